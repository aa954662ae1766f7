/**
 * The built binary with an emulator state or seed file it cannot use: exit 1 with one error paragraph naming the
 * file and what to do, never a stack trace, and never a hang (the helper kills a run after 20 s: exit null).
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rdhooks, type CliResult } from '../helpers/cli.js';
import { tempDirs } from '../helpers/tmp.js';

const tempDir = tempDirs('cli-state');

/** A file at `name` in a fresh directory, made by `make`. */
type Maker = (path: string) => Promise<void>;
const text = (t: string): Maker => (p) => writeFile(p, t);
const directory: Maker = (p) => mkdir(p).then(() => undefined);
const fifo: Maker = async (p) => void execFileSync('mkfifo', [p]);

const UNUSABLE: [string, Maker, RegExp][] = [
  ['corrupt JSON', text('{"webhooks": [{"uuid": '), /is not valid JSON/],
  ['a directory', directory, /is a directory, not a file\./],
  ['a FIFO', fifo, /is a named pipe \(FIFO\), not a file\./],
  ['the wrong shape', text('{"webhooks": {"a": 1}}'), /is not RD's list body: it has no "webhooks" array\./],
  ['a webhook without url', text('{"webhooks": [{"event_type": "crm_deal_created"}]}'), /webhooks\[0\] has no "url" string\./],
];

/** Exit 1, nothing on stdout, "error: …" naming `file` and an indented hint: nothing else. */
function expectClearError(r: CliResult, file: string, message: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^error: [^\n]+\n {2}[^\n]+\n$/);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/unexpected failure|^\s+at /m);
}

describe('rdhooks emulator', () => {
  it.each(UNUSABLE)('--state with %s', async (_what, make, message) => {
    const dir = await tempDir();
    const file = join(dir, 'state.json');
    await make(file);
    const r = await rdhooks(['emulator', '--state', 'state.json'], { cwd: dir });
    expectClearError(r, file, message);
    expect(r.stderr).toMatch(/(delete|Remove) .*state\.json/);
  });

  it.each(UNUSABLE)('--seed with %s', async (_what, make, message) => {
    const dir = await tempDir();
    const file = join(dir, 'seed.json');
    await make(file);
    const r = await rdhooks(['emulator', '--seed', 'seed.json'], { cwd: dir });
    expectClearError(r, file, message);
  });
});

describe('rdhooks plan --emulator', () => {
  it.each(UNUSABLE)('with .rdhooks/emulator.json holding %s', async (_what, make, message) => {
    const dir = await tempDir();
    await writeFile(join(dir, 'webhooks.yaml'), 'version: 1\nwebhooks: []\n');
    await mkdir(join(dir, '.rdhooks'));
    const file = join(dir, '.rdhooks', 'emulator.json');
    await make(file);
    const r = await rdhooks(['plan', '--emulator'], { cwd: dir });
    expectClearError(r, file, message);
  });
});
