/** The one place an error becomes what the user reads, and an exit code. */
import { InterruptedError, UserError } from '../shared/errors.js';
import { stripControlLines } from '../shared/text.js';
import { EXIT } from './command.js';
import type { Io } from './io.js';

/** Prints an error the way users should see it: what, where, what to do; a stack only with --debug. */
export function reportError(err: unknown, io: Io, debug: boolean): number {
  if (err instanceof InterruptedError) {
    io.stderr.write(`${stripControlLines(err.message)}\n`);
    return EXIT.interrupted;
  }
  if (err instanceof UserError) {
    io.stderr.write(`error: ${stripControlLines(err.message)}\n${err.hint ? `  ${stripControlLines(err.hint)}\n` : ''}`);
    return EXIT.error;
  }
  const fsError = err as NodeJS.ErrnoException;
  if (typeof fsError?.code === 'string' && typeof fsError.syscall === 'string' && typeof fsError.path === 'string') {
    // A file the user named could not be read or written: their environment, not a bug.
    io.stderr.write(`error: cannot ${fsError.syscall} ${stripControlLines(fsError.path)}: ${fsError.code}\n  Check that the path exists and is writable.\n`);
    return EXIT.error;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`error: unexpected failure: ${stripControlLines(message)}\n  This is a bug in rdhooks; please report it with the command you ran.\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return EXIT.error;
}
