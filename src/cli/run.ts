/** The command table and the one place errors become messages and exit codes. */
import type { Argv } from 'yargs';
import { UserError, InterruptedError } from '../shared/errors.js';
import { stripControl } from '../shared/text.js';
import { VERSION } from '../shared/version.js';
import { processIo, type Io } from './io.js';
import validate from './commands/validate.js';
import plan from './commands/plan.js';
import apply from './commands/apply.js';
import exportCommand from './commands/export.js';
import pin from './commands/pin.js';
import emulator from './commands/emulator.js';
import auth from './commands/auth.js';

/** Exit codes: see README "Exit codes". */
export const EXIT = { ok: 0, error: 1, changes: 2, interrupted: 130 } as const;

/**
 * A command: its options and a handler resolving to the exit code. Command files import only types and
 * light helpers at the top; the handler imports the heavy modules it needs, so start-up stays fast.
 */
export interface Command {
  command: string;
  describe: string;
  builder(y: Argv): Argv;
  handler(argv: Record<string, unknown>, io: Io): Promise<number>;
}

const COMMANDS: Command[] = [validate, plan, apply, exportCommand, pin, auth, emulator];

/** A command line yargs could not accept. */
class UsageError extends UserError {
  constructor(message: string) {
    super(message, "Run 'rdhooks --help' for usage.");
  }
}

/** Runs rdhooks with `args` and resolves to the process exit code; never throws. */
export async function runCli(args: string[], io: Io = processIo()): Promise<number> {
  // yargs takes longer to import than node takes to start; `--version` alone is answered without it.
  if (args.length === 1 && args[0] === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const { default: yargs } = await import('yargs');
  let exitCode: number = EXIT.ok;
  const parser = yargs(args)
    .scriptName('rdhooks')
    .usage('rdhooks <command> [options]\n\nManage the webhooks of an RD Station Marketing account as code.')
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'Name a command.')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .option('color', { type: 'boolean', describe: 'Colour on a terminal (the default unless NO_COLOR is set); --no-color turns it off' })
    .option('debug', { type: 'boolean', describe: 'Log each API request and response to stderr (secrets redacted)' })
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs' suggestion alone ("Did you mean validate?") does not say what was wrong.
      throw err ?? new UsageError(msg.startsWith('Did you mean') ? `Unknown command: ${String(args[0])}. ${msg}` : msg);
    });
  for (const cmd of COMMANDS) {
    parser.command(cmd.command, cmd.describe, (y) => cmd.builder(y), async (argv) => {
      exitCode = await cmd.handler(argv as Record<string, unknown>, io);
    });
  }
  try {
    await parser.parseAsync();
  } catch (err) {
    return reportError(err, io, args.includes('--debug'));
  }
  return exitCode;
}

/** Messages can carry remote or file text: no control characters reach the terminal, line breaks aside. */
function printable(text: string): string {
  return text.split('\n').map(stripControl).join('\n');
}

/** Prints an error the way users should see it: what, where, what to do; a stack only with --debug. */
export function reportError(err: unknown, io: Io, debug: boolean): number {
  if (err instanceof InterruptedError) {
    io.stderr.write(`${err.message}\n`);
    return EXIT.interrupted;
  }
  if (err instanceof UserError) {
    io.stderr.write(`error: ${printable(err.message)}\n${err.hint ? `  ${printable(err.hint)}\n` : ''}`);
    return EXIT.error;
  }
  const fsError = err as NodeJS.ErrnoException;
  if (typeof fsError?.code === 'string' && typeof fsError.syscall === 'string' && typeof fsError.path === 'string') {
    // A file the user named could not be read or written: their environment, not a bug.
    io.stderr.write(`error: cannot ${fsError.syscall} ${printable(fsError.path)}: ${fsError.code}\n  Check that the path exists and is writable.\n`);
    return EXIT.error;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`error: unexpected failure: ${message}\n  This is a bug in rdhooks; please report it with the command you ran.\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return EXIT.error;
}
