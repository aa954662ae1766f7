/** URLs in canonical (WHATWG) form: warnings for other spellings, identity clashes and ignore rules across spellings. */
import { describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { matchesIgnoreRule } from '../../src/manifest/ignore.js';
import { loadManifest } from '../../src/manifest/load.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('canonical');

async function load(text: string, env: NodeJS.ProcessEnv = {}) {
  const dir = await tempDir();
  await writeFile(join(dir, 'm.yaml'), `version: 1\n${text}`);
  return loadManifest('m.yaml', env, { cwd: dir });
}

const entry = (url: string, extra = ''): string => `  - event_type: WEBHOOK.CONVERTED\n    url: "${url}"\n${extra}`;

describe('non-canonical-url', () => {
  it.each([
    ['HTTPS://Hooks.Example.com/rd', 'https://hooks.example.com/rd'],
    ['https://hooks.example.com', 'https://hooks.example.com/'],
    ['https://hooks.example.com:443/rd', 'https://hooks.example.com/rd'],
    ['https://hooks.example.com/a/../rd', 'https://hooks.example.com/rd'],
    ['https://hooks.example.com/a{b}', 'https://hooks.example.com/a%7Bb%7D'],
    ['https://bücher.example/rd', 'https://xn--bcher-kva.example/rd'],
  ])('warns about %s, suggesting %s', async (url, canonical) => {
    const result = await load(`webhooks:\n${entry(url)}`);
    expect(result.diagnostics.map((d) => [d.line, d.column, d.severity, d.code, d.message])).toEqual([
      [
        4,
        10,
        'warning',
        'non-canonical-url',
        `url "${url}" is not in canonical form; write it as "${canonical}", the form rdhooks compares and RD Station may store.`,
      ],
    ]);
    expect(result.manifest?.webhooks[0]?.url).toBe(url);
  });

  it.each(['https://hooks.example.com/rd', 'https://hooks.example.com/rd?x=1&y=%20', 'https://hooks.example.com/deals?token=${literal}'])(
    'accepts %s as it is',
    async (url) => {
      expect((await load(`webhooks:\n${entry(url.split('${').join('$${'))}`)).diagnostics).toEqual([]);
    },
  );

  it('checks the url after interpolation', async () => {
    const result = await load(`webhooks:\n${entry('${BASE}/rd')}`, { BASE: 'https://Hooks.example.com' });
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['non-canonical-url', 'url "https://Hooks.example.com/rd" is not in canonical form; write it as "https://hooks.example.com/rd", the form rdhooks compares and RD Station may store.'],
    ]);
  });
});

describe('identity across spellings', () => {
  it.each([
    ['https://hooks.example.com/a', 'HTTPS://HOOKS.example.com:443/a', 'duplicate-url', ''],
    ['https://hooks.example.com', 'https://hooks.example.com/', 'duplicate-url', ''],
    ['https://hooks.example.com/a', 'https://hooks.example.com/x/../a', 'conflicting-ensure', '    ensure: absent\n'],
    ['https://hooks.example.com/a', 'https://hooks.example.com/A', undefined, ''],
  ])('%s and %s: %s', async (first, second, code, extra) => {
    const result = await load(`webhooks:\n${entry(first)}${entry(second, extra)}`);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.line, d.code])).toEqual(code ? [[6, code]] : []);
    if (code === 'duplicate-url') expect(errors[0]?.message).toContain('"WEBHOOK.CONVERTED https://hooks.example.com/');
  });
});

describe('ignore rules across spellings', () => {
  it.each([
    ['https://Legacy.example.com/*', 'https://legacy.example.com/x', true],
    ['https://legacy.example.com/*', 'HTTPS://LEGACY.example.com:443/x', true],
    ['https://legacy.example.com:443/a/../*', 'https://legacy.example.com/x', true],
    ['https://legacy.example.com/*', 'https://legacy.example.com', true],
    ['https://legacy.example.com*', 'https://legacy.example.com/x', true],
    ['https://*', 'https://anything.example.com/x', true],
    ['https://*.Example.com/hook', 'https://a.example.com/hook', true],
    ['https://legacy.example.com/*', 'https://legacy.example.org/x', false],
    ['https://legacy.example.com/A*', 'https://legacy.example.com/a', false],
  ])('rule %s covers %s: %s', async (pattern, url, expected) => {
    const result = await load(`ignore:\n  - url: "${pattern}"\n`);
    expect(result.diagnostics).toEqual([]);
    expect(matchesIgnoreRule(result.manifest!.ignore[0]!, { url })).toBe(expected);
  });

  it('stores the rule in canonical form', async () => {
    const result = await load('ignore:\n  - url: https://Legacy.example.com:443/*\n');
    expect(result.manifest?.ignore).toEqual([{ url: 'https://legacy.example.com/*' }]);
  });

  it('reports an ignore rule covering an entry spelled otherwise', async () => {
    const result = await load(`webhooks:\n  - name: legacy\n    event_type: WEBHOOK.CONVERTED\n    url: https://legacy.example.com/x\nignore:\n  - url: https://Legacy.example.com/*\n`);
    expect(result.diagnostics.map((d) => [d.line, d.code])).toEqual([[7, 'ignore-conflict']]);
  });
});
