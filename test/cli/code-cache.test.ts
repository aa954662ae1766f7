/**
 * The built CLI's code cache, as a user's runs leave it (in a temporary XDG_CACHE_HOME): a file per command, written
 * by its first run and left alone by the next, tolerant of a damaged file, absent with RDHOOKS_CODE_CACHE=0; and
 * got's script, the HTTP client, never loaded by validate.
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
/** The cache file of `script` (app, got) for `command`, or '' when there is none. */
const cacheOf = (script: string, command: string): string => {
  const name = existsSync(cacheDir()) ? readdirSync(cacheDir()).find((f) => f.startsWith(`${script}-`) && f.includes(`.js.${command}.`) && f.endsWith('.cache')) : undefined;
  return name ? join(cacheDir(), name) : '';
};
const VALID = { code: 0, stdout: 'webhooks.yaml: valid (4 webhooks)\n', stderr: '' };

describe('the code cache of the built CLI', () => {
  it('is written by the first run of a command, and not rewritten by its next runs', async () => {
    expect(await run(['validate'])).toEqual(VALID);
    const file = cacheOf('app', 'validate');
    expect(file).not.toBe('');
    const before = statSync(file);
    expect(await run(['validate'])).toEqual(VALID);
    const after = statSync(file);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
  });

  it('keeps a file per command, so validate reads only what validate compiled', async () => {
    await run(['validate']);
    const validateOnly = statSync(cacheOf('app', 'validate'));
    const plan = await run(['plan', '--emulator']);
    expect(plan.code).toBe(0);
    expect(cacheOf('app', 'plan')).not.toBe('');
    expect(await run(['plan', '--emulator'])).toEqual(plan);
    expect(await run(['validate'])).toEqual(VALID);
    const after = statSync(cacheOf('app', 'validate'));
    expect([after.ino, after.mtimeMs, after.size]).toEqual([validateOnly.ino, validateOnly.mtimeMs, validateOnly.size]);
  });

  it('is written only by a run that succeeds, and not by a command\'s help: those compile less than the command', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'version: 1\nwebhooks: 3\n');
    expect((await run(['validate', 'broken.yaml'])).code).toBe(1);
    expect((await run(['plan', '--help'])).code).toBe(0);
    expect(cacheOf('app', 'validate')).toBe('');
    expect(cacheOf('app', 'plan')).toBe('');
    expect(await run(['validate'])).toEqual(VALID);
    expect((await run(['plan', '--emulator'])).code).toBe(0);
    expect(statSync(cacheOf('app', 'plan')).size).toBeGreaterThan(statSync(cacheOf('app', '-')).size);
  });

  it('files a mistyped command, help and no command at all under one name, "-"', async () => {
    for (const args of [['valdate'], ['--help'], ['bogus', 'x'], [], ['plan', '--help']]) await run(args);
    expect(readdirSync(cacheDir()).map((f) => f.split('.').slice(0, 3).join('.').replace(/-[A-Z0-9]+\.js/, ''))).toEqual(['app.-']);
  });

  it('never loads got\'s script for validate: its cache comes only from a command that calls the API', async () => {
    await run(['validate']);
    await run(['validate', '--help']);
    expect(readdirSync(cacheDir()).some((f) => f.startsWith('got-'))).toBe(false);
    expect((await run(['plan', '--emulator'])).code).toBe(0);
    expect(cacheOf('got', 'api')).not.toBe('');
  });

  it.each([
    ['truncated', (bytes: Buffer): Buffer => bytes.subarray(0, bytes.length >> 1)],
    ['corrupt', (bytes: Buffer): Buffer => Buffer.concat([bytes.subarray(0, 40), Buffer.alloc(bytes.length - 40, 0x5a)])],
    ['damaged in place', (bytes: Buffer): Buffer => Buffer.from(bytes.map((b, i) => (i > bytes.length >> 1 && i < (bytes.length >> 1) + 400 ? b ^ 0xff : b)))],
    ['headerless', (bytes: Buffer): Buffer => bytes.subarray(bytes.indexOf(10) + 1)],
  ])('tolerates a %s cache file: the same output, and the cache rewritten', async (_, damage) => {
    await run(['validate']);
    const file = cacheOf('app', 'validate');
    const good = readFileSync(file);
    writeFileSync(file, damage(good));
    expect(await run(['validate'])).toEqual(VALID);
    expect(readFileSync(file).subarray(0, 19).toString('latin1')).toBe('rdhooks-code-cache ');
    expect(statSync(file).size).toBeGreaterThan(good.length / 2);
    expect(await run(['validate'])).toEqual(VALID);
  });

  it('is not written with RDHOOKS_CODE_CACHE=0', async () => {
    expect(await run(['validate'], { RDHOOKS_CODE_CACHE: '0' })).toEqual(VALID);
    expect((await run(['plan', '--emulator'], { RDHOOKS_CODE_CACHE: '0' })).code).toBe(0);
    expect(existsSync(cacheHome)).toBe(false);
  });
});
