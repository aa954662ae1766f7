/**
 * Nesting of any depth the size limit allows gives one positioned `too-deep` error: never a stack overflow, an
 * "unexpected failure" or a stack trace, whether the yaml composer, the tree walks or ajv would have overflowed.
 */
import { describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadManifest } from '../../src/manifest/load.js';
import { MAX_DEPTH, tooDeepMessage } from '../../src/manifest/limits.js';
import { rdhooks } from '../helpers/cli.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('depth');

const ENTRY = 'version: 1\nwebhooks:\n  - event_type: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/a\n';
const blockMap = (levels: number): string =>
  Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + `\n${' '.repeat(levels)}1\n`;

/** Each case: the text, and the 1-based line and column of the collection that passes the limit. */
const TOO_DEEP: [name: string, text: string, line: number, column: number][] = [
  // The top-level mapping is the first level, so the 64th "[" is the 65th.
  ['a flow sequence 500,000 deep', `version: 1\nx: ${'['.repeat(500_000)}1${']'.repeat(500_000)}\n`, 2, 4 + MAX_DEPTH - 1],
  ['an unclosed flow sequence 500,000 deep', `version: 1\nx: ${'['.repeat(500_000)}\n`, 2, 4 + MAX_DEPTH - 1],
  ['flow mappings 300,000 deep', `version: 1\nx: ${'{a: '.repeat(300_000)}1${'}'.repeat(300_000)}\n`, 2, 4 + 4 * (MAX_DEPTH - 1)],
  ['block mappings 1,000 deep', `version: 1\nx:\n${blockMap(1000).replace(/^/gm, ' ')}`, 2 + MAX_DEPTH, MAX_DEPTH + 1],
  ['block sequences 1,000,000 deep', `version: 1\nx:\n  ${'- '.repeat(1_000_000)}x\n`, 3, 3 + 2 * (MAX_DEPTH - 1)],
  [
    'a list deep inside an entry',
    `${ENTRY}    event_identifiers: ${'['.repeat(200_000)}a${']'.repeat(200_000)}\n`,
    5,
    24 + MAX_DEPTH - 3,
  ],
  // Each "[k: …]" is a sequence holding a one-pair mapping: two levels per bracket, which the parser counts as one.
  ['single-pair mappings inside flow sequences', `version: 1\nx: ${'[k: '.repeat(40)}1${']'.repeat(40)}\n`, 2, 5 + 4 * (MAX_DEPTH / 2 - 1)],
];

describe('loadManifest on deep nesting', () => {
  it.each(TOO_DEEP)('%s: one too-deep error where the nesting passes the limit', async (_name, text, line, column) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'deep.yaml'), text);
    const result = await loadManifest('deep.yaml', {}, { cwd: dir });
    expect(result.diagnostics.map((d) => [d.line, d.column, d.severity, d.code, d.message])).toEqual([
      [line, column, 'error', 'too-deep', tooDeepMessage()],
    ]);
    expect(result.manifest).toBeUndefined();
  });

  it.each([
    ['flow', (levels: number) => `version: 1\nx-deep: ${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)}\n`],
    ['block', (levels: number) => `version: 1\nx-deep:\n${blockMap(levels - 1).replace(/^/gm, ' ')}`],
  ])('accepts %s nesting of exactly the limit and refuses one level more', async (_kind, make) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'at.yaml'), make(MAX_DEPTH));
    await writeFile(join(dir, 'past.yaml'), make(MAX_DEPTH + 1));
    expect((await loadManifest('at.yaml', {}, { cwd: dir })).diagnostics).toEqual([]);
    expect((await loadManifest('past.yaml', {}, { cwd: dir })).diagnostics.map((d) => d.code)).toEqual(['too-deep']);
  });

  it('points at the alias that carries an anchored value past the limit', async () => {
    const half = MAX_DEPTH / 2 + 1;
    const text = `version: 1\nx-a: &a ${'['.repeat(half)}1${']'.repeat(half)}\nx-b: ${'['.repeat(half)}*a${']'.repeat(half)}\n`;
    const dir = await tempDir();
    await writeFile(join(dir, 'alias.yaml'), text);
    const result = await loadManifest('alias.yaml', {}, { cwd: dir });
    expect(result.diagnostics.map((d) => [d.line, d.column, d.length, d.code, d.message])).toEqual([
      [3, 7 + half - 1, 2, 'too-deep', tooDeepMessage(true)],
    ]);
  });
});

describe('rdhooks validate on deep nesting', () => {
  it.each(TOO_DEEP.filter((_, i) => i % 2 === 0))('%s: exit 1, the positioned error, no crash', async (_name, text, line, column) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'deep.yaml'), text);
    const r = await rdhooks(['validate', 'deep.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe(`deep.yaml:${line}:${column}: error: ${tooDeepMessage()}`);
    expect(r.stdout).toMatch(/\ndeep\.yaml: 1 error\n$/);
    expect(r.stdout).not.toMatch(/unexpected failure|RangeError|call stack|^\s+at /m);
  });
});
