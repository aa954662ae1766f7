/** URL credentials (user info, query values) never reach validate's output unless showSensitive asks for them. */
import { describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatGithub, formatJson, formatSummary, formatText, type FormatOptions } from '../../src/manifest/format.js';
import { loadManifest } from '../../src/manifest/load.js';
import type { LoadResult } from '../../src/manifest/types.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('secrets');

const URL = 'https://user:secret@h/x?token=abc';
const LONG_PASSWORD = 'p'.repeat(120);
const MANIFEST = [
  'version: 1',
  'webhooks:',
  '  - event_type: WEBHOOK.CONVERTED',
  `    url: ${URL}`,
  '  - event_type: WEBHOOK.CONVERTED',
  `    url: ${URL}`,
  '  - event_type: crm_deal_created',
  `    url: "http://user:secret@H/x?token=abc&other=abc"`,
  '  - event_type: crm_deal_updated',
  `    url: http://user:${LONG_PASSWORD}@H/x`,
  '',
].join('\n');

async function load(): Promise<LoadResult> {
  const dir = await tempDir();
  await writeFile(join(dir, 'm.yaml'), MANIFEST);
  return loadManifest('m.yaml', {}, { cwd: dir });
}

function everyFormat(result: LoadResult, options: FormatOptions): Record<string, string> {
  return {
    text: formatText(result.diagnostics, { source: result.text!, ...options }) + formatSummary('m.yaml', result.diagnostics, result.manifest),
    json: formatJson(result.diagnostics, options),
    github: formatGithub(result.diagnostics, options),
  };
}

describe('validate output and URL credentials', () => {
  it('has diagnostics that quote the urls, in messages and code frames', async () => {
    const result = await load();
    expect(result.diagnostics.map((d) => [d.line, d.code])).toEqual([
      [6, 'duplicate-url'],
      [8, 'insecure-url'],
      [8, 'non-canonical-url'],
      [10, 'insecure-url'],
      [10, 'non-canonical-url'],
    ]);
  });

  it.each(['text', 'json', 'github'])('%s masks them by default', async (format) => {
    const out = everyFormat(await load(), {})[format]!;
    expect(out).not.toMatch(/secret|abc|ppp/);
    expect(out).toContain('https://***:***@h/x?token=***');
  });

  it.each(['text', 'json', 'github'])('%s shows them with showSensitive', async (format) => {
    const out = everyFormat(await load(), { showSensitive: true })[format]!;
    expect(out).toContain(`WEBHOOK.CONVERTED ${URL}`);
    expect(out).toContain('http://user:secret@H/x?token=abc&other=abc');
  });

  it('masks a code frame one * per character, so the caret stays under the value', async () => {
    const result = await load();
    const frame = formatText(result.diagnostics.slice(0, 1), { source: result.text! }).split('\n').slice(1, 4);
    expect(frame).toEqual([
      '  5 |   - event_type: WEBHOOK.CONVERTED',
      '> 6 |     url: https://****:******@h/x?token=***',
      `    |          ${'^'.repeat(URL.length)}`,
    ]);
  });

  it('never cuts a long message inside user info, where masking could no longer find it', async () => {
    const result = await load();
    const messages = result.diagnostics.filter((d) => d.line === 10).map((d) => d.message);
    expect(messages).toEqual([expect.stringMatching(/^url "http:\/\/…" uses plain http;/), expect.stringMatching(/^url "http:\/\/…" is not in canonical form; write it as "http:\/\/user:p+@h\/x"/)]);
  });
});
