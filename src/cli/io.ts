/** The process-facing edges a command uses: output streams, environment, terminal facts. */
import { styleText } from 'node:util';

/** What a command may touch of the outside world; tests and the CLI pass the real process. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The real process. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/**
 * Whether to colour: `--color`/`--no-color` decide; else FORCE_COLOR (set, and not `0` or `false`) forces it, for CI
 * logs that render ANSI; else NO_COLOR turns it off; else only on a terminal.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/** A colouring function, or the identity when colour is off. */
export type Paint = (style: Parameters<typeof styleText>[0], text: string) => string;

/** Returns a painter that colours only when `enabled`. */
export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}
