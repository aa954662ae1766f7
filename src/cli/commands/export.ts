/** `rdhooks export [--out FILE]`: a manifest of what the account has now, for adopting an existing account. */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { nameAndListing } from '../../reconcile/session.js';
import { escapeControl } from '../../shared/text.js';
import { count } from '../../shared/wording.js';
import { UsageError, type CommandModule, type ParsedArgs } from '../command.js';
import { CONNECTION_READS, connectionFlags, parseConnectionArgs, withConnection, type ConnectionOptions } from '../connection.js';
import type { Io } from '../io.js';
import { booleanFlag, stringFlag } from '../options.js';
import { eachAccount, expectedAccountOf, openWorkspace, ownManifestFile } from '../workspace.js';
import { chooseWorkspace, parseWorkspaceArgs, workspaceFlags, type WorkspaceOptions } from '../workspace-flags.js';

/** Checked options of export. */
export interface ExportOptions {
  out?: string;
  force: boolean;
  workspace: WorkspaceOptions;
  connection: ConnectionOptions;
}

const exportCommand: CommandModule<ExportOptions> = {
  builder: (y: Argv) =>
    workspaceFlags(connectionFlags(y))
      .option('out', { type: 'string', describe: 'Write the manifest to FILE (readable by its owner only) instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite --out FILE if it exists' })
      .epilogue(`Reads: ${CONNECTION_READS}. Exit codes: 0 exported, 1 error.`)
      .example('rdhooks export --out webhooks.yaml', 'Start managing an existing account')
      .example('rdhooks export --emulator', 'Print the emulator account as a manifest')
      .example('rdhooks export --account acme', 'Write the manifest file of the workspace account acme'),

  parse: (argv: ParsedArgs, io: Io): ExportOptions => {
    const out = stringFlag(argv, 'out');
    const workspace = parseWorkspaceArgs(argv);
    if (out !== undefined && (workspace.file !== undefined || workspace.accounts.length > 0)) throw new UsageError('--out does not go with --workspace or --account: each account is exported to its manifest file, as the workspace names it.');
    return { ...(out !== undefined ? { out } : {}), force: booleanFlag(argv, 'force'), workspace, connection: parseConnectionArgs(argv, io.env) };
  },

  async run(o: ExportOptions, io: Io): Promise<number> {
    // Without --out, a workspace found here is exported; with it, the one account the credentials name.
    const workspace = o.out === undefined ? await chooseWorkspace(undefined, o.workspace, io) : undefined;
    if (workspace !== undefined) return exportWorkspace(workspace, o, io);
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

/** Writes each selected account's manifest file from what its account has; an existing file only with --force. */
async function exportWorkspace(file: string, o: ExportOptions, io: Io): Promise<number> {
  const [{ renderExport }, { VERSION }, { writeOutputFile, OutputFileError }, { existsSync }] = await Promise.all([
    import('../../adopt/export.js'),
    import('../../shared/version.js'),
    import('../../shared/write-file.js'),
    import('node:fs'),
  ]);
  const opened = await openWorkspace(file, o.workspace.accounts, io, { showSensitive: false, color: undefined });
  const { ok } = await eachAccount(opened, { connection: o.connection, parallel: o.workspace.parallel }, io, async (account, connect) => {
    const path = ownManifestFile(opened, account, 'export');
    const out = resolve(opened.workspace.cwd, path);
    if (!o.force && existsSync(out)) throw new OutputFileError(`${escapeControl(path)} already exists; export does not overwrite it.`, 'Pass --force to overwrite it (the account must still be the one the workspace names).');
    const session = await connect();
    // The workspace names the account: another account's credentials never overwrite its manifest.
    const { account: name, listing } = await nameAndListing(session, expectedAccountOf(opened.workspace, account));
    const date = new Date().toISOString().slice(0, 10);
    await writeOutputFile(out, renderExport(listing, { apiUrl: session.apiUrl, account: name, date, version: VERSION }), { shownAs: path, mode: 0o600, exclusive: !o.force });
    io.stderr.write(`${account.name}: Exported ${count(listing.length, 'webhook')} to ${escapeControl(path)}.\n`);
  });
  return ok ? 0 : 1;
}

/** The `account:` of the manifest at `file`, when it loads and has one. */
async function accountOf(file: string, io: Io): Promise<string | undefined> {
  const { loadManifest } = await import('../../manifest/load.js');
  return (await loadManifest(file, io.env, { cwd: io.cwd })).manifest?.account;
}

export default exportCommand;
