/** What every command module is, and the exit codes: a leaf the registry and every command import. */
import type { Argv } from 'yargs';
import { UserError } from '../shared/errors.js';
import type { Io } from './io.js';

/** Exit codes: see README "Exit codes". */
export const EXIT = { ok: 0, error: 1, changes: 2, interrupted: 130 } as const;

/** The arguments yargs parsed, before a command's parser gives them types. */
export type ParsedArgs = Readonly<Record<string, unknown>>;

/**
 * A command module: its option table, a parser that checks every flag and returns typed options (no I/O, so an
 * argument error is reported before any file or network is touched), and the terminal side that runs it.
 */
export interface CommandModule<Options> {
  builder(y: Argv): Argv;
  parse(argv: ParsedArgs, io: Io): Options;
  run(options: Options, io: Io): Promise<number>;
}

/** A command made of actions (`auth url`, `auth exchange`, …), each a command module with its own help page. */
export interface CommandGroup {
  actions: Record<string, { describe: string; module: CommandModule<unknown> }>;
}

/** A command line rdhooks cannot accept. */
export class UsageError extends UserError {
  constructor(message: string, hint = "Run 'rdhooks --help' for usage.") {
    super(message, hint);
  }
}
