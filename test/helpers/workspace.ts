/** A temporary folder holding a manifest, an emulator holding an account, and the built CLI pointed at both. */
import { afterEach, expect } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { EmulatorHandle, EmulatorOptions } from '../../src/emulator/server.js';
import type { Io } from '../../src/cli/io.js';
import type { RemoteWebhook } from '../../src/shared/webhook.js';
import { rdhooks, type CliResult } from './cli.js';
import { emulatorWith } from './emulator.js';
import { tempDirs } from './tmp.js';

/** A folder, an emulator and the CLI; everything is closed and removed after each test. */
export function workspaces(prefix: string) {
  const handles: EmulatorHandle[] = [];
  const freshDir = tempDirs(prefix);
  afterEach(async () => {
    for (const h of handles.splice(0)) await h.close();
  });
  return async (webhooks: RemoteWebhook[], manifest: string, options: EmulatorOptions = {}) => {
    const cwd = await freshDir();
    await writeFile(join(cwd, 'webhooks.yaml'), manifest);
    const handle = await emulatorWith(webhooks, options);
    handles.push(handle);
    const env = { RDSTATION_ACCESS_TOKEN: handle.issueToken() };
    /** Runs the built binary against this emulator. */
    const cli = (args: string[], input?: string): Promise<CliResult> =>
      rdhooks([...args, '--api-url', handle.url], { cwd, env, ...(input !== undefined ? { input } : {}) });
    return { cwd, handle, env, cli };
  };
}

/** Fails with the whole output when the exit code is not `code`, so a failure shows why. */
export function expectExit(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`exit ${String(r.code)}, expected ${code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  expect(r.code).toBe(code);
}

/** An Io over memory streams; `onPrompt` runs when the prompt shows, then stdin answers `answer` (or ends without one). */
export function memoryIo(
  cwd: string,
  env: NodeJS.ProcessEnv,
  terminal: { stdinTTY: boolean; stderrTTY?: boolean; answer?: string; prompt: string; onPrompt?: () => Promise<void> },
) {
  const stdin = Object.assign(new PassThrough(), { isTTY: terminal.stdinTTY });
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: terminal.stderrTTY ?? false });
  const out = { stdout: '', stderr: '' };
  stdout.setEncoding('utf8').on('data', (d: string) => (out.stdout += d));
  stderr.setEncoding('utf8').on('data', (d: string) => {
    out.stderr += d;
    if (!d.includes(terminal.prompt)) return;
    void (terminal.onPrompt ?? (async () => undefined))().then(() => {
      if (terminal.answer === undefined) stdin.end();
      else stdin.write(terminal.answer);
    });
  });
  const io: Io = { stdin, stdout, stderr, env, cwd };
  return { io, out };
}
