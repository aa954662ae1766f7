/** Anchors, aliases and `<<` merge keys: linear time, positions through merges, and the bounds on expansion. */
import { describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadManifest } from '../../src/manifest/load.js';
import { timeRatio } from '../helpers/timing.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('aliases');

const BASE = 'x-base: &base\n  event_type: WEBHOOK.CONVERTED\n  include_relations: [COMPANY]\n  event_identifiers: [newsletter]\n';

function merged(n: number): string {
  let text = `version: 1\n${BASE}webhooks:\n`;
  for (let i = 0; i < n; i++) text += `  - <<: *base\n    name: e${i}\n    url: https://hooks.example.com/${i}\n`;
  return text;
}

function plain(n: number): string {
  let text = 'version: 1\nwebhooks:\n';
  for (let i = 0; i < n; i++) {
    text +=
      `  - event_type: WEBHOOK.CONVERTED\n    include_relations: [COMPANY]\n    event_identifiers: [newsletter]\n` +
      `    name: e${i}\n    url: https://hooks.example.com/${i}\n`;
  }
  return text;
}

async function loader(text: string, expectedWebhooks: number): Promise<() => Promise<void>> {
  const dir = await tempDir();
  await writeFile(join(dir, 'm.yaml'), text);
  return async () => {
    const result = await loadManifest('m.yaml', {}, { cwd: dir });
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest?.webhooks).toHaveLength(expectedWebhooks);
  };
}

async function diagnose(text: string) {
  const dir = await tempDir();
  await writeFile(join(dir, 'm.yaml'), text);
  const result = await loadManifest('m.yaml', {}, { cwd: dir });
  return result.diagnostics.map((d) => [d.line, d.column, d.code, d.message]);
}

describe('merge keys and aliases cost linear time', () => {
  // Resolving each alias by walking the whole document made 4,000 merged entries take 40 s against 2 s plain.
  it('2,000 entries merging an anchor load about as fast as 2,000 written out', async () => {
    const ratio = await timeRatio(await loader(merged(2000), 2000), await loader(plain(2000), 2000));
    expect(ratio).toBeLessThan(4);
  }, 120_000);

  it('four times the merged entries take about four times as long, not sixteen', async () => {
    const ratio = await timeRatio(await loader(merged(4000), 4000), await loader(merged(1000), 1000));
    expect(ratio).toBeLessThan(10);
  }, 120_000);
});

describe('aliases and merges', () => {
  it('merges as YAML says: the entry wins, then earlier sources', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'm.yaml'),
      'version: 1\nx-a: &a {event_type: crm_deal_created, url: https://a.example.com/a}\nx-b: &b {event_type: WEBHOOK.CONVERTED, include_relations: [COMPANY]}\n' +
        'webhooks:\n  - {<<: [*a, *b]}\n  - {url: https://a.example.com/b, <<: *b, include_relations: []}\n',
    );
    const result = await loadManifest('m.yaml', {}, { cwd: dir });
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest?.webhooks.map((w) => [w.event_type, w.url, w.include_relations])).toEqual([
      ['crm_deal_created', 'https://a.example.com/a', ['COMPANY']],
      ['WEBHOOK.CONVERTED', 'https://a.example.com/b', []],
    ]);
  });

  it('points a problem in a merged field at the anchor that holds it', async () => {
    expect(await diagnose(`version: 1\nx-base: &base\n  event_type: WEBHOOK.CONVERT\nwebhooks:\n  - <<: *base\n    url: https://a.example.com/a\n`)).toEqual([
      [3, 15, 'invalid-value', 'webhooks[0].event_type: "WEBHOOK.CONVERT" is not a valid value; did you mean "WEBHOOK.CONVERTED"?'],
    ]);
  });

  it('refuses an alias inside the node its anchor names', async () => {
    expect(await diagnose('version: 1\nx-a: &a [1, *a]\n')).toEqual([
      [2, 13, 'recursive-alias', 'alias *a is inside the node its anchor "&a" names, so its value would never end. Point it at another anchor or remove it.'],
    ]);
    expect((await diagnose('version: 1\nx-a: &a {k: 1, <<: *a}\n')).map((d) => d[2])).toEqual(['recursive-alias']);
  });

  it('refuses a merge of something other than mappings, at that value', async () => {
    const message = 'a merge key (<<) takes a mapping, an alias of one, or a list of them, not this value. Fix the value or write the fields out.';
    expect(await diagnose('version: 1\nwebhooks:\n  - <<: 5\n')).toEqual([[3, 9, 'bad-merge', message]]);
    expect(await diagnose('version: 1\nx-l: &l [1]\nwebhooks:\n  - <<: [{url: x}, *l]\n')).toEqual([[4, 20, 'bad-merge', message]]);
  });

  it('refuses aliases that expand past the bound, at the alias that passes it', async () => {
    const layers = ['version: 1', 'x-0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 30; i++) layers.push(`x-${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const rows = await diagnose(`${layers.join('\n')}\n`);
    expect(rows.map((r) => [r[0], r[2]])).toEqual([[7, 'alias-bomb']]);
  });
});
