/** `rdhooks emulator` as a user runs it: the built binary in a child process, stopped after each test. */
import { afterEach } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli.js';

/** Returns a function starting `rdhooks emulator ...args` in `cwd`; every emulator started is killed after each test. */
export function emulatorProcesses() {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });
  /** Resolves with its URL, the access token and refresh credentials it printed, and a way to stop it. */
  return async (args: string[], cwd: string) => {
    const child = spawn(process.execPath, [BIN, 'emulator', ...args], { cwd, env: { PATH: process.env.PATH ?? '' }, stdio: 'pipe' });
    children.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
      // A hang guard, generous for a busy machine.
      const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr}`)), 30_000);
      child.stderr.on('data', (d: string) => {
        stderr += d;
        const url = /RDSTATION_API_URL=(\S+)/.exec(stderr)?.[1];
        const token = /RDSTATION_ACCESS_TOKEN=(\S+)/.exec(stderr)?.[1];
        if (url && token) {
          clearTimeout(timer);
          resolve({ url, token });
        }
      });
      child.on('exit', () => reject(new Error(`emulator exited: ${stderr}`)));
    });
    const refresh = Object.fromEntries([...stderr.matchAll(/(RDSTATION_(?:CLIENT_ID|CLIENT_SECRET|REFRESH_TOKEN))=(\S+)/g)].map((m) => [m[1], m[2]]));
    const stop = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        child.on('close', (code) => resolve({ code, stderr }));
        child.kill('SIGTERM');
      });
    return { ...ready, refresh, stop, stderr: () => stderr };
  };
}
