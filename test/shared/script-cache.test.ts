/**
 * Scripts loaded with V8's code cache: each command's cache is written once and used after, and a stale or damaged
 * one is replaced.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { hash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeCacheDir, loadScript, saveCodeCaches } from '../../src/shared/script-cache.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdhooks-script-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A script as the build wraps one: CommonJS in a function of (module, exports, its URL). */
function script(name: string, body: string): URL {
  const file = join(dir, name);
  writeFileSync(file, `(function (module, exports, __scriptUrl) {${body}})`);
  return pathToFileURL(file);
}

const caches = (cacheDir: string): string[] => readdirSync(cacheDir).filter((f) => f.endsWith('.cache'));
/** Whether a cache file is one loadScript wrote whole: its first line, `rdhooks-code-cache DIGEST`, digests the rest. */
const whole = (file: string): boolean => {
  const bytes = readFileSync(file);
  const end = bytes.indexOf(10);
  return bytes.toString('latin1', 0, end) === `rdhooks-code-cache ${hash('sha1', bytes.subarray(end + 1), 'base64url')}`;
};

describe('loadScript', () => {
  it('returns what the script exports, and its own URL reaches it', () => {
    const url = script('a-AAAA1111.js', 'module.exports = { answer: 42, url: __scriptUrl };');
    expect(loadScript(url, undefined, 'validate')).toEqual({ answer: 42, url: url.href });
  });

  it('writes the cache after the run when there is none, and reads it without writing again', () => {
    const cacheDir = join(dir, 'cache');
    const url = script('a-AAAA1111.js', 'module.exports = { f: (x) => x * 2 };');
    expect((loadScript(url, cacheDir, 'validate') as { f: (x: number) => number }).f(2)).toBe(4);
    saveCodeCaches();
    expect(caches(cacheDir)).toEqual([expect.stringMatching(new RegExp(`^a-AAAA1111\\.js\\.validate\\.${process.version}-${process.arch}(-[0-9a-z]+)?\\.cache$`))]);
    const file = join(cacheDir, caches(cacheDir)[0] ?? '');
    const written = statSync(file).mtimeMs;
    const bytes = readFileSync(file);
    expect((loadScript(url, cacheDir, 'validate') as { f: (x: number) => number }).f(3)).toBe(6);
    saveCodeCaches();
    expect(statSync(file).mtimeMs).toBe(written);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(whole(file)).toBe(true);
  });

  it('keeps a cache per command, each written by its first run, and names anything else "-"', () => {
    const cacheDir = join(dir, 'cache');
    const url = script('d-DDDD4444.js', 'module.exports = { f: (x) => x + 1, g: (x) => x - 1 };');
    (loadScript(url, cacheDir, 'validate') as { f: (x: number) => number }).f(1);
    (loadScript(url, cacheDir, 'plan') as { g: (x: number) => number }).g(1);
    loadScript(url, cacheDir, '../escape');
    saveCodeCaches();
    expect(caches(cacheDir).map((f) => f.split('.').slice(0, 3).join('.')).sort()).toEqual(['d-DDDD4444.js.-', 'd-DDDD4444.js.plan', 'd-DDDD4444.js.validate']);
    const written = caches(cacheDir).map((f) => statSync(join(cacheDir, f)).mtimeMs);
    for (const command of ['plan', 'validate', '-']) loadScript(url, cacheDir, command);
    saveCodeCaches();
    expect(caches(cacheDir).map((f) => statSync(join(cacheDir, f)).mtimeMs)).toEqual(written);
  });

  it('replaces a cache V8 rejects, and still runs the script', () => {
    const cacheDir = join(dir, 'cache');
    mkdirSync(cacheDir);
    // A source this process never compiled (V8 would otherwise reuse its own compilation and not look at the cache).
    const url = script('b-BBBB2222.js', `module.exports = ${JSON.stringify(String(Math.random()))};`);
    // The name loadScript gives it: found by writing one for another script first.
    loadScript(script('c-CCCC3333.js', 'module.exports = 0;'), cacheDir, 'validate');
    saveCodeCaches();
    const file = join(cacheDir, caches(cacheDir)[0]?.replace('c-CCCC3333', 'b-BBBB2222').replace('.validate.', '.plan.') ?? '');
    writeFileSync(file, 'not a code cache');
    expect(typeof loadScript(url, cacheDir, 'plan')).toBe('string');
    saveCodeCaches();
    expect(readFileSync(file, 'utf8')).not.toBe('not a code cache');
    expect(whole(file)).toBe(true);
    // Our header, its digest right, over bytes V8 rejects: rewritten.
    writeFileSync(file, `rdhooks-code-cache ${hash('sha1', 'not V8 data', 'base64url')}\nnot V8 data`);
    expect(typeof loadScript(script('b-BBBB2222.js', `module.exports = ${JSON.stringify(String(Math.random()))};`), cacheDir, 'plan')).toBe('string');
    saveCodeCaches();
    expect(readFileSync(file, 'latin1')).not.toContain('not V8 data');
    expect(whole(file)).toBe(true);
  });

  it('does not hand V8 a cache whose bytes were changed (V8 checks their length, not their content)', () => {
    const cacheDir = join(dir, 'cache');
    const source = `module.exports = [${Array.from({ length: 200 }, (_, i) => `() => ${i}`).join(', ')}].map((f) => f());`;
    loadScript(script('e-EEEE5555.js', source), cacheDir, 'validate');
    saveCodeCaches();
    const file = join(cacheDir, caches(cacheDir)[0] ?? '');
    const bytes = readFileSync(file);
    for (let i = bytes.length >> 1; i < (bytes.length >> 1) + 64; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    // Another source of the same length, so that V8 reads the cache rather than reuse this process's compilation.
    const other = script('e-EEEE5555.js', source.replace('() => 0', '() => 9'));
    expect((loadScript(other, cacheDir, 'validate') as number[])[0]).toBe(9);
    saveCodeCaches();
    expect(readFileSync(file).equals(bytes)).toBe(false);
    expect(whole(file)).toBe(true);
  });

  it('removes the caches of other builds of the same script that were not written for 30 days, and only those', () => {
    const cacheDir = join(dir, 'cache');
    loadScript(script('app-OLD11111.js', 'module.exports = 1;'), cacheDir, 'plan');
    loadScript(script('app-RECENT22.js', 'module.exports = 2;'), cacheDir, 'plan');
    loadScript(script('got-KEEP3333.js', 'module.exports = 3;'), cacheDir, 'api');
    saveCodeCaches();
    const old = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000);
    for (const f of caches(cacheDir).filter((f) => !f.startsWith('app-RECENT22'))) utimesSync(join(cacheDir, f), old, old);
    loadScript(script('app-NEW44444.js', 'module.exports = 4;'), cacheDir, 'plan');
    saveCodeCaches();
    expect(caches(cacheDir).map((f) => f.split('.')[0]).sort()).toEqual(['app-NEW44444', 'app-RECENT22', 'got-KEEP3333']);
  });

  it('runs the script when the cache cannot be written', () => {
    const blocked = join(dir, 'file');
    writeFileSync(blocked, '');
    expect(loadScript(script('a-AAAA1111.js', 'module.exports = 5;'), join(blocked, 'cache'), 'validate')).toBe(5);
    expect(() => saveCodeCaches()).not.toThrow();
  });
});

describe('codeCacheDir', () => {
  it('is rdhooks/code-cache in the user cache directory, and off with RDHOOKS_CODE_CACHE=0', () => {
    if (process.platform === 'linux') expect(codeCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/rdhooks/code-cache');
    expect(codeCacheDir({})).toMatch(/rdhooks[/\\]code-cache$/);
    expect(codeCacheDir({ RDHOOKS_CODE_CACHE: '0' })).toBeUndefined();
  });
});
