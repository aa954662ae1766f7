/** Every diagnostic inside a named entry names it, once, as `webhooks[i] ("name")`. */
import { describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadManifest } from '../../src/manifest/load.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('names');

async function messages(entry: string, rest = ''): Promise<string[]> {
  const dir = await tempDir();
  await writeFile(join(dir, 'm.yaml'), `version: 1\nwebhooks:\n  - name: crm-lead-sync\n${entry}${rest}`);
  const result = await loadManifest('m.yaml', {}, { cwd: dir });
  return result.diagnostics.map((d) => d.message);
}

const OK = '    event_type: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/a\n';
const LABEL = 'webhooks[0] ("crm-lead-sync")';

describe('diagnostics inside a named entry', () => {
  it.each([
    ['wrong-type', `${OK}    include_relations: COMPANY\n`, `${LABEL}.include_relations must be a list, not the text "COMPANY". Write it as [COMPANY].`],
    ['unknown-key', `${OK}    colour: red\n`, `unknown key "colour" in ${LABEL}; the keys allowed here are:`],
    ['invalid-value', '    event_type: WEBHOOK.CONVERT\n    url: https://hooks.example.com/a\n', `${LABEL}.event_type: "WEBHOOK.CONVERT" is not a valid value;`],
    ['missing-key', '    event_type: WEBHOOK.CONVERTED\n', `${LABEL} has no url;`],
    ['invalid-url', '    event_type: WEBHOOK.CONVERTED\n    url: /relative\n', `${LABEL}: url "/relative" is not an absolute http(s) URL;`],
    ['insecure-url', '    event_type: WEBHOOK.CONVERTED\n    url: http://hooks.example.com/a\n', `${LABEL}: url "http://hooks.example.com/a" uses plain http;`],
    ['undefined-variable', '    event_type: WEBHOOK.CONVERTED\n    url: ${NOPE}/a\n', `${LABEL}: environment variable NOPE is not set;`],
    ['empty-identifier', `${OK}    event_identifiers: [""]\n`, `${LABEL}.event_identifiers[0] is empty;`],
    ['ignore-conflict', OK, `ignore[0] matches ${LABEL} at line 3,`, 'ignore:\n  - url: https://hooks.example.com/*\n'],
  ])('%s', async (_code, entry, expected, rest = '') => {
    const [message, ...others] = await messages(entry, rest);
    expect(others).toEqual([]);
    expect(message).toContain(expected);
    expect(message?.split(LABEL)).toHaveLength(2);
  });

  it('leaves entries without a name as they were', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'm.yaml'), 'version: 1\nwebhooks:\n  - event_type: WEBHOOK.CONVERTED\n    url: /relative\n');
    const result = await loadManifest('m.yaml', {}, { cwd: dir });
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      'url "/relative" is not an absolute http(s) URL; write it in full, e.g. https://hooks.example.com/rd/converted.',
    ]);
  });

  it('shows a name terminal-safe and cut short', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'm.yaml'), `version: 1\nwebhooks:\n  - name: "\\e[31m${'n'.repeat(100)}"\n    event_type: X\n    url: https://hooks.example.com/a\n`);
    const result = await loadManifest('m.yaml', {}, { cwd: dir });
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      `webhooks[0] ("\\u001b[31m${'n'.repeat(29)}…").event_type: "X" is not a valid value; use one of: WEBHOOK.CONVERTED, WEBHOOK.MARKED_OPPORTUNITY, crm_deal_created, crm_deal_updated, crm_deal_deleted.`,
    ]);
  });
});
