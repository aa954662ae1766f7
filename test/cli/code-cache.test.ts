/**
 * The built CLI's code cache, as a user's runs leave it (in a temporary XDG_CACHE_HOME): written by the first run,
 * left alone by the next runs of the same command, rewritten once by another command, tolerant of a damaged file,
 * absent with RDHOOKS_CODE_CACHE=0; and got's script, the HTTP client, never loaded by validate.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rdhooks, ROOT, type CliResult } from '../helpers/cli.js';

let dir: string;
let cacheHome: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdhooks-code-cache-'));
  cacheHome = join(dir, 'cache');
  copyFileSync(join(ROOT, 'webhooks.yaml'), join(dir, 'webhooks.yaml'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** rdhooks run in the temporary repository, with the temporary cache home. */
const run = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => rdhooks(args, { cwd: dir, env: { XDG_CACHE_HOME: cacheHome, ...env } });
const cacheDir = (): string => join(cacheHome, 'rdhooks', 'code-cache');
/** The cache file of the script whose name starts with `script` (app-, got-), or '' when there is none. */
const cacheOf = (script: string): string => {
  const name = existsSync(cacheDir()) ? readdirSync(cacheDir()).find((f) => f.startsWith(script) && f.endsWith('.cache')) : undefined;
  return name ? join(cacheDir(), name) : '';
};
/** The commands a cache file has seen (its first line: `rdhooks-code-cache validate,plan DIGEST`). */
const commands = (file: string): string => readFileSync(file, 'latin1').split('\n')[0]?.split(' ')[1] ?? '';
const VALID = { code: 0, stdout: 'webhooks.yaml: valid (4 webhooks)\n', stderr: '' };

describe('the code cache of the built CLI', () => {
  it('is written by the first run, naming its command, and not rewritten by the next run of that command', async () => {
    expect(await run(['validate'])).toEqual(VALID);
    const file = cacheOf('app-');
    expect(commands(file)).toBe('validate');
    const before = statSync(file);
    expect(await run(['validate'])).toEqual(VALID);
    const after = statSync(file);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
  });

  it('is rewritten once by another command, then names both and holds what both compiled', async () => {
    await run(['validate']);
    const file = cacheOf('app-');
    const validateOnly = statSync(file);
    const plan = await run(['plan', '--emulator']);
    expect(plan.code).toBe(0);
    const both = statSync(file);
    expect(commands(file)).toBe('validate,plan');
    expect(both.ino).not.toBe(validateOnly.ino);
    expect(both.size).toBeGreaterThan(validateOnly.size);
    expect(await run(['plan', '--emulator'])).toEqual(plan);
    expect(await run(['validate'])).toEqual(VALID);
    expect(statSync(file).ino).toBe(both.ino);
  });

  it('records a mistyped command, help and no command at all as one entry, "-"', async () => {
    await run(['validate']);
    for (const args of [['valdate'], ['--help'], ['bogus', 'x'], []]) await run(args);
    expect(commands(cacheOf('app-'))).toBe('validate,-');
  });

  it('never loads got\'s script for validate: its cache comes only from a command that calls the API', async () => {
    await run(['validate']);
    await run(['validate', '--help']);
    expect(cacheOf('app-')).not.toBe('');
    expect(cacheOf('got-')).toBe('');
    expect((await run(['plan', '--emulator'])).code).toBe(0);
    expect(commands(cacheOf('got-'))).toBe('plan');
  });

  it.each([
    ['truncated', (bytes: Buffer): Buffer => bytes.subarray(0, bytes.length >> 1)],
    ['corrupt', (bytes: Buffer): Buffer => Buffer.concat([bytes.subarray(0, 40), Buffer.alloc(bytes.length - 40, 0x5a)])],
    ['damaged in place', (bytes: Buffer): Buffer => Buffer.from(bytes.map((b, i) => (i > bytes.length >> 1 && i < (bytes.length >> 1) + 400 ? b ^ 0xff : b)))],
    ['headerless', (bytes: Buffer): Buffer => bytes.subarray(bytes.indexOf(10) + 1)],
  ])('tolerates a %s cache file: the same output, and the cache rewritten', async (_, damage) => {
    await run(['validate']);
    const file = cacheOf('app-');
    const good = readFileSync(file);
    writeFileSync(file, damage(good));
    expect(await run(['validate'])).toEqual(VALID);
    expect(commands(file)).toBe('validate');
    expect(statSync(file).size).toBeGreaterThan(good.length / 2);
    expect(await run(['validate'])).toEqual(VALID);
  });

  it('is not written with RDHOOKS_CODE_CACHE=0', async () => {
    expect(await run(['validate'], { RDHOOKS_CODE_CACHE: '0' })).toEqual(VALID);
    expect((await run(['plan', '--emulator'], { RDHOOKS_CODE_CACHE: '0' })).code).toBe(0);
    expect(existsSync(cacheHome)).toBe(false);
  });
});
