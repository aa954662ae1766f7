/** `rdhooks export [--out FILE]`: a manifest of what the account has now, for adopting an existing account. */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { nameAndListing } from '../../reconcile/session.js';
import { escapeControl } from '../../shared/text.js';
import { count } from '../../shared/wording.js';
import type { CommandModule, ParsedArgs } from '../command.js';
import { CONNECTION_READS, connectionFlags, parseConnectionArgs, withConnection, type ConnectionOptions } from '../connection.js';
import type { Io } from '../io.js';
import { booleanFlag, stringFlag } from '../options.js';

/** Checked options of export. */
export interface ExportOptions {
  out?: string;
  force: boolean;
  connection: ConnectionOptions;
}

const exportCommand: CommandModule<ExportOptions> = {
  builder: (y: Argv) =>
    connectionFlags(y)
      .option('out', { type: 'string', describe: 'Write the manifest to FILE (readable by its owner only) instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite --out FILE if it exists' })
      .epilogue(`Reads: ${CONNECTION_READS}. Exit codes: 0 exported, 1 error.`)
      .example('rdhooks export --out webhooks.yaml', 'Start managing an existing account')
      .example('rdhooks export --emulator', 'Print the emulator account as a manifest'),

  parse: (argv: ParsedArgs, io: Io): ExportOptions => {
    const out = stringFlag(argv, 'out');
    return { ...(out !== undefined ? { out } : {}), force: booleanFlag(argv, 'force'), connection: parseConnectionArgs(argv, io.env) };
  },

  async run(o: ExportOptions, io: Io): Promise<number> {
    const [{ renderExport }, { VERSION }, { writeOutputFile, OutputFileError }, { existsSync }] = await Promise.all([
      import('../../adopt/export.js'),
      import('../../shared/version.js'),
      import('../../shared/write-file.js'),
      import('node:fs'),
    ]);
    const out = o.out === undefined ? undefined : resolve(io.cwd, o.out);
    // Checked before listing, so a refused export makes no API call.
    if (out && !o.force && existsSync(out)) {
      throw new OutputFileError(`${escapeControl(o.out ?? '')} already exists; export does not overwrite it.`, 'Pass --force to overwrite it, or choose another --out.');
    }
    // Overwriting a manifest bound to an account (`account:`) is refused with another account's credentials.
    const guarded = out && o.out !== undefined && o.force && existsSync(out) ? await accountOf(o.out, io) : undefined;
    const expected = guarded === undefined ? undefined : { name: guarded, source: `${escapeControl(o.out ?? '')} (account:)` };
    const { text, listed } = await withConnection(o.connection, io, async (session) => {
      const { account, listing } = await nameAndListing(session, expected);
      const date = new Date().toISOString().slice(0, 10);
      return { text: renderExport(listing, { apiUrl: session.apiUrl, account, date, version: VERSION }), listed: listing.length };
    });
    if (!out || o.out === undefined) {
      io.stdout.write(text);
      io.stderr.write(`Exported ${count(listed, 'webhook')}.\n`);
      return 0;
    }
    // It holds whole target URLs, credentials and all: readable by its owner only, like a saved plan.
    await writeOutputFile(out, text, { shownAs: o.out, mode: 0o600, exclusive: !o.force });
    io.stderr.write(`Exported ${count(listed, 'webhook')} to ${escapeControl(o.out)}.\n`);
    return 0;
  },
};

/** The `account:` of the manifest at `file`, when it loads and has one. */
async function accountOf(file: string, io: Io): Promise<string | undefined> {
  const { loadManifest } = await import('../../manifest/load.js');
  return (await loadManifest(file, io.env, { cwd: io.cwd })).manifest?.account;
}

export default exportCommand;
