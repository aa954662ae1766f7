/**
 * The plain-YAML reader against the yaml package: whatever it accepts, it must read to the same data, with no
 * problem the yaml package would report, and place every path (value and key) where the yaml-based locator does.
 * Over the repository's own manifests, hand-picked edge cases, and thousands of generated documents.
 */
import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest, parseWithYaml } from '../../src/manifest/parse.js';
import { parsePlainYaml } from '../../src/manifest/plain-yaml.js';
import { renderExport } from '../../src/adopt/export.js';
import { STARTER_MANIFEST } from '../../src/adopt/scaffold.js';
import type { Path } from '../../src/manifest/issue.js';

const ROOT = join(import.meta.dirname, '../..');

/** Every path of `value`, and beside each collection a key and an index it does not have. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
    out.push([...prefix, value.length], [...prefix, 'x']);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
    out.push([...prefix, 'missing'], [...prefix, 0], [...prefix, 'missing', 'deeper']);
  } else {
    out.push([...prefix, 'below']);
  }
  return out;
}

/** 'accepted' when the plain reader read `text` exactly as the yaml package does, 'declined' when it left it. */
function compare(text: string): 'accepted' | 'declined' {
  const plain = parsePlainYaml(text);
  if (plain === undefined) return 'declined';
  const slow = parseWithYaml(text, 'm.yaml');
  const fast = parseManifest(text, 'm.yaml');
  const problem = (what: string): Error => new Error(`${what} for:\n${text}`);
  if (slow.diagnostics.length > 0) throw problem(`accepted though yaml reports ${JSON.stringify(slow.diagnostics)}`);
  try {
    expect(fast.value).toStrictEqual(slow.value);
    expect(fast.diagnostics).toEqual([]);
    for (const path of pathsOf(slow.value)) {
      for (const target of ['value', 'key'] as const) expect([path, target, fast.locate(path, target)]).toEqual([path, target, slow.locate(path, target)]);
    }
  } catch (err) {
    throw problem(String((err as Error).message));
  }
  return 'accepted';
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

describe('the plain-YAML reader', () => {
  test("reads the repository's manifests as the yaml package does, and reads the usual ones itself", () => {
    const files = [join(ROOT, 'webhooks.yaml'), ...yamlFiles(join(ROOT, 'examples')), ...yamlFiles(join(ROOT, 'test/fixtures'))];
    const results = new Map(files.map((f) => [f.slice(ROOT.length + 1), compare(readFileSync(f, 'utf8'))]));
    for (const usual of ['webhooks.yaml', 'examples/minimal.yaml', 'examples/every-field.yaml', 'examples/prune-and-ignore.yaml']) {
      expect([usual, results.get(usual)]).toEqual([usual, 'accepted']);
    }
    // The fixtures that exist to be wrong are the yaml package's to report.
    for (const bad of ['bad-tabs', 'bad-duplicate-key', 'bad-multiple-documents', 'bad-unknown-alias', 'bad-alias-bomb', 'bad-empty', 'bad-only-comments', 'bad-not-a-mapping']) {
      const file = [...results.keys()].find((f) => f.endsWith(`manifests/${bad}.yaml`))!;
      expect([file, results.get(file)]).toEqual([file, 'declined']);
    }
  });

  test('reads what export and init write', () => {
    const webhook = (uuid: string, url: string, extra: object = {}) => ({
      uuid, event_type: 'WEBHOOK.CONVERTED', entity_type: 'CONTACT', url, http_method: 'POST', event_identifiers: [], include_relations: [], ...extra,
    });
    const exported = renderExport(
      [
        webhook('5408c5a3-4711-4f2e-8d0b-13407a3e30f3', 'https://hooks.example.com/rd/converted?team=crm&x=1#top', { event_identifiers: ['Lead Scoring', 'newsletter-2024'] }),
        webhook('642d985c-487c-4c53-b9de-2c1223841cae', 'https://hooks.example.com/rd/opportunity', { status: 'suspended', include_relations: ['COMPANY', 'CONTACT_FUNNEL'] }),
        { ...webhook('adc6944d-0c74-4e7c-899e-6d816465b561', 'http://legacy.example.com:8080/deals'), event_type: 'crm_deal_created', http_method: 'PUT' },
      ],
      { apiUrl: 'https://api.rd.services', account: 'ACME Marketing', date: '2026-12-01', version: '1.0.0' },
    );
    expect(compare(exported)).toBe('accepted');
    expect(compare(STARTER_MANIFEST)).toBe('accepted');
  });

  test.each([
    ['the common layout', 'version: 1\nwebhooks:\n  - name: a\n    url: https://x.example/a#frag # note\n    include_relations: [COMPANY, CONTACT_FUNNEL]\n'],
    ['a sequence at its key\'s column', 'webhooks:\n- event_type: crm_deal_created\n  url: https://x.example\nprune: true\n'],
    ['entries indented past their dash', 'webhooks:\n  -   url: a\n      name: b\n  -  c\n'],
    ['quoted scalars', 'a: "x \\" \\\\ \\/ \\n \\t \\u00e9 y"\nb: \'it\'\'s\'\nc: [ "p, q" , \'r\' ]\nd: ""\n'],
    ['the core schema', 'a: 1\nb: 0\nc: true\nd: False\ne: ~\nf: null\ng: NULL\nh:\ni: yes\nj: 12abc\nk: 1-2\n'],
    ['a document marker and comments', '--- # start\n# c\nversion: 1   # v\n\n  # indented comment\nwebhooks: []\n'],
    ['empty collections', 'a: []\nb: {}\nc: [ ]\n'],
    ['interpolation', 'url: ${BASE:-https://x.example}/p\nname: $HOME\n'],
    ['keys with nothing after them', 'a:\nb: # c\nc:\n  d:\n'],
    ['non-ASCII', 'name: café ünïcode\n'],
  ])('agrees with yaml on %s', (_label: string, text: string) => {
    expect(compare(text)).toBe('accepted');
  });

  test.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a merge key', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['a tab', 'a:\tb\n'],
    ['CRLF', 'a: b\r\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
    ['a flow mapping', 'a: {b: c}\n'],
    ['a float', 'a: 1.5\n'],
    ['a leading-zero integer', 'a: 007\n'],
    ['hex', 'a: 0x1F\n'],
    ['a negative number', 'a: -1\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a colon in a plain scalar', 'a: b: c\n'],
    ['a trailing comma', 'a: [x, y,]\n'],
    ['a nested sequence', 'a:\n  - - x\n'],
    ['an entry on the lines below its dash', 'a:\n  -\n    b: c\n'],
    ['a quoted key', '"a": 1\n'],
    ['a key with a dot', 'a.b: 1\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a top-level list', '- a\n'],
    ['a __proto__ key', '__proto__: 1\n'],
    ['a key read as a boolean', 'True: 1\n'],
    ['a key longer than yaml allows', `${'k'.repeat(1025)}: 1\n`],
    ['an astral character', 'a: 😀\n'],
  ])('leaves %s to the yaml package', (_label: string, text: string) => {
    expect(compare(text)).toBe('declined');
  });

  test('agrees with yaml on thousands of generated documents, and reads a fair share of them itself', () => {
    let seed = 12345;
    // mulberry32: a small generator with good low bits, seeded so a failure can be replayed.
    const random = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[random(xs.length)]!;
    // Mostly what the reader should read (subtle cases included), now and then what it must leave alone.
    const fine = {
      keys: ['a', 'url', 'name', 'event_type', 'b_2', 'x-y', 'true', 'y', 'no'],
      scalars: [
        'abc', 'a b', 'a  b ', '1', '0', 'null', 'Null', '~', 'true', 'False', 'yes', '"dq"', '"e \\" \\n \\u00e9"', "'s ''q'''", "'a # b'",
        'http://x:80/a#b', 'a #c', 'a# b', '${V:-x}', '[a, b]', '[]', '[ a , "b" ]', "['x',y]", '{}', 'v   ', 'ç', '12abc', 'a,b', 'a]b', '',
        'a"b', '.', '1_000', '0x', 'NaN', '2024-01-01', '12:30', '{ }', '[ ]', 'a\u00a0b', 'TRUE', '~ x', 'null x',
      ],
    };
    const tricky = {
      keys: ['null', 'Null', 'True', 'FALSE', 'a.b', '"q"', '<<', 'a b', '1'],
      scalars: [
        '01', '1.5', '1e3', '.5', '+1', '-1', '0x1F', '0o7', '"\\x41"', 'a: b', 'a:', '[a,]', '[a, [b]]', '{a: b}', '&a x', '*a', '!t x', '|', '>',
        '- x', '"open', "'open", '<<', '@x', '`x', '%x', 'a\tb', '#c', '"a" x', '[a] x', '9999999999999999', '? x', ': x',
      ],
    };
    const choose = (kind: 'keys' | 'scalars'): string => (random(25) === 0 ? pick(tricky[kind]) : pick(fine[kind]));
    const gen = (indent: number, depth: number): string[] => {
      const pad = ' '.repeat(indent);
      const lines: string[] = [];
      const n = 1 + random(3);
      for (let i = 0; i < n; i++) {
        if (i > 0 && random(8) === 0) lines.push(pick(['', `${pad}# comment`, '   ', '#']));
        // Now and then a key repeats (which yaml reports).
        const key = random(6) === 0 ? choose('keys') : `${choose('keys')}${i}`;
        const kind = depth > 2 ? 0 : random(4);
        if (kind === 0) lines.push(`${pad}${key}: ${choose('scalars')}`.trimEnd() + pick(['', '', ' # c', '  ']));
        else if (kind === 1) lines.push(`${pad}${key}:`, ...gen(indent + pick([2, 2, 4, 1]), depth + 1));
        else {
          const at = indent + pick([0, 2, 2, 3]);
          lines.push(`${pad}${key}:`);
          for (let j = 1 + random(3); j > 0; j--) {
            const dash = `${' '.repeat(at)}-${' '.repeat(pick([1, 1, 2]))}`;
            if (random(2) === 0) lines.push(`${dash}${choose('scalars')}`);
            else {
              const inner = gen(dash.length, depth + 1);
              lines.push(dash + inner[0]!.trimStart(), ...inner.slice(1));
            }
          }
        }
        // Now and then, a line pushed off its column.
        if (random(30) === 0) lines.push(`${' '.repeat(Math.max(0, indent + pick([-1, 1, 3])))}${choose('keys')}: x`);
      }
      return lines;
    };
    const counts = { accepted: 0, declined: 0 };
    for (let i = 0; i < 3000; i++) {
      const text = `${random(10) === 0 ? '---\n' : ''}${gen(0, 0).join('\n')}${random(5) === 0 ? '' : '\n'}`;
      counts[compare(text)]++;
    }
    // Each document has several chances to hold something the reader leaves alone (about 35% are read); a fair
    // share must be read, or this test would compare nothing.
    expect(counts.accepted).toBeGreaterThan(750);
  });

  test('reads in time linear in the text: 4x the entries take about 4x as long, not the 16x of a quadratic', async () => {
    // Every node the reader builds is kept, so in node's default heap the garbage collector's promotions, not the
    // reader, decide how time grows between these sizes. The reader runs in a child whose young space (fixed at
    // 64 MB) holds all it builds, each size timed at its best of 7 interleaved rounds: what is left is the reader.
    const dir = mkdtempSync(join(tmpdir(), 'rdhooks-plain-yaml-'));
    try {
      const script = join(dir, 'linear.mjs');
      await build({
        stdin: { contents: LINEAR_PROBE, resolveDir: join(ROOT, 'src/manifest'), loader: 'ts' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: script,
        logLevel: 'warning',
      });
      // A hang guard, not a bound: a linear reader is done in well under a second, a quadratic one takes minutes.
      const child = spawnSync(process.execPath, ['--min-semi-space-size=64', '--max-semi-space-size=64', script], { encoding: 'utf8', timeout: 30_000 });
      expect(child.error?.message ?? child.stderr).toBe('');
      const { ratio } = JSON.parse(child.stdout) as { ratio: number };
      expect(ratio).toBeLessThan(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Times parsePlainYaml on 4,000 and 16,000 entries and prints how many times longer the larger takes. */
const LINEAR_PROBE = `
import { parsePlainYaml } from './plain-yaml.ts';
const manifest = (n) => {
  const lines = ['version: 1', 'webhooks:'];
  for (let i = 0; i < n; i++) lines.push('  - event_type: WEBHOOK.CONVERTED', '    url: https://hooks.example.com/' + i, '    event_identifiers: [a' + i + ', "b"]');
  return lines.join('\\n') + '\\n';
};
const texts = [manifest(4000), manifest(16000)];
const best = [Infinity, Infinity];
for (let round = 0; round < 7; round++) {
  texts.forEach((text, i) => {
    const started = performance.now();
    if (parsePlainYaml(text) === undefined) throw new Error('declined');
    best[i] = Math.min(best[i], performance.now() - started);
  });
}
process.stdout.write(JSON.stringify({ ratio: best[1] / best[0] }));
`;
