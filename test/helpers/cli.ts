/** Runs the built rdhooks binary as a user would, capturing exit code, stdout and stderr. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Absolute path of the built CLI entry point. */
export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs `rdhooks ...args` in a child process; the environment is minimal unless `env` adds to it. Its code cache is
 * the suite's own (test/global-setup.js), never the user's.
 */
export function rdhooks(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  if (process.env.RDHOOKS_TEST_CACHE_HOME) env.XDG_CACHE_HOME = process.env.RDHOOKS_TEST_CACHE_HOME;
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
