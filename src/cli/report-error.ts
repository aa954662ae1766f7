/** The one place an error becomes what the user reads, and an exit code. */
import { InterruptedError, UserError } from '../shared/errors.js';
import { stripControlLines } from '../shared/text.js';
import { EXIT } from './command.js';
import type { Io } from './io.js';

/** What went wrong, what to do, and whether it is a bug in rdhooks (the user's input and environment are not). */
function describe(err: unknown): { message: string; hint?: string; bug: boolean } {
  if (err instanceof UserError) return { message: err.message, ...(err.hint ? { hint: err.hint } : {}), bug: false };
  const fsError = err as NodeJS.ErrnoException;
  if (typeof fsError?.code === 'string' && typeof fsError.syscall === 'string' && typeof fsError.path === 'string') {
    // A file the user named could not be read or written: their environment, not a bug.
    return { message: `cannot ${fsError.syscall} ${fsError.path}: ${fsError.code}`, hint: 'Check that the path exists and is writable.', bug: false };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message: `unexpected failure: ${message}`, hint: 'This is a bug in rdhooks; please report it with the command you ran.', bug: true };
}

/** An error as one account's part of a workspace run shows it: the message, then the hint on the next line. */
export function errorText(err: unknown): string {
  const { message, hint } = describe(err);
  return `${stripControlLines(message)}${hint ? `\n${stripControlLines(hint)}` : ''}`;
}

/** Prints an error the way users should see it: what, where, what to do; a stack only with --debug. */
export function reportError(err: unknown, io: Io, debug: boolean): number {
  if (err instanceof InterruptedError) {
    io.stderr.write(`${stripControlLines(err.message)}\n`);
    return EXIT.interrupted;
  }
  const { message, hint, bug } = describe(err);
  io.stderr.write(`error: ${stripControlLines(message)}\n${hint ? `  ${stripControlLines(hint)}\n` : ''}`);
  if (bug && debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return EXIT.error;
}
