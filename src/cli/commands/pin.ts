/** `rdhooks pin [MANIFEST] [--check]`: writes the uuids of matched webhooks into the manifest, keeping its layout. */
import type { Argv } from 'yargs';
import type { Manifest } from '../../manifest/types.js';
import { nameAndListing, type ExpectedAccount } from '../../reconcile/session.js';
import { UserError } from '../../shared/errors.js';
import { escapeControl } from '../../shared/text.js';
import type { RemoteWebhook } from '../../shared/webhook.js';
import { count } from '../../shared/wording.js';
import type { CommandModule, ParsedArgs } from '../command.js';
import { CONNECTION_READS, connectionFlags, parseConnectionArgs, withConnection, type Connection, type ConnectionOptions } from '../connection.js';
import { loadValidManifest, parseDisplayArgs, sensitiveFlag, type Display } from '../display.js';
import type { Io } from '../io.js';
import { booleanFlag, DEFAULTS, stringFlag } from '../options.js';
import { eachAccount, expectedAccountOf, loadAccountOrExplain, openWorkspace, ownManifestFile } from '../workspace.js';
import { chooseWorkspace, parseWorkspaceArgs, workspaceFlags, type WorkspaceOptions } from '../workspace-flags.js';

/** Checked options of pin. */
export interface PinOptions {
  /** The manifest argument, when given. */
  manifest?: string;
  workspace: WorkspaceOptions;
  check: boolean;
  updateStale: boolean;
  display: Display;
  connection: ConnectionOptions;
}

const pin: CommandModule<PinOptions> = {
  builder: (y: Argv) =>
    workspaceFlags(sensitiveFlag(connectionFlags(y)))
      .positional('manifest', { type: 'string', describe: `The manifest to pin (default ${DEFAULTS.manifest})` })
      .option('check', { type: 'boolean', default: false, describe: 'Write nothing; exit 1 when some entry would get a uuid (and print which)' })
      .option('update-stale', { type: 'boolean', default: false, describe: 'Also replace a pinned uuid the account no longer lists by the webhook matching its entry' })
      .epilogue(`Reads: ${CONNECTION_READS}. Exit codes: 0 pinned (or nothing to pin), 1 error, or with --check: something to pin.`)
      .example('rdhooks pin', 'Write the uuids into ./webhooks.yaml')
      .example('rdhooks pin --check', 'Fail CI when an entry is not pinned'),

  parse(argv: ParsedArgs, io: Io): PinOptions {
    const manifest = stringFlag(argv, 'manifest');
    return {
      ...(manifest !== undefined ? { manifest } : {}),
      workspace: parseWorkspaceArgs(argv),
      check: booleanFlag(argv, 'check'),
      updateStale: booleanFlag(argv, 'update-stale'),
      display: parseDisplayArgs(argv),
      connection: parseConnectionArgs(argv, io.env),
    };
  },

  async run(o: PinOptions, io: Io): Promise<number> {
    const workspace = await chooseWorkspace(o.manifest, o.workspace, io);
    if (workspace !== undefined) return pinWorkspace(workspace, o, io);
    const file = o.manifest ?? DEFAULTS.manifest;
    const { manifest, text } = await loadValidManifest(file, io, o.display);
    const expected = manifest.account === undefined ? undefined : { name: manifest.account, source: `${file} (account:)` };
    const listing = await withConnection(o.connection, io, (session) => listFor(session, expected, io, ''));
    return pinListed({ file, text, manifest, listing }, o, io, '');
  },
};

/** Lists the account, refusing one other than `expected`. */
async function listFor(session: Connection, expected: ExpectedAccount | undefined, io: Io, prefix: string): Promise<RemoteWebhook[]> {
  const { listing } = await nameAndListing(session, expected);
  io.stderr.write(`${prefix}Listed ${count(listing.length, 'webhook')}.\n`);
  return listing;
}

/** Pins each selected account's own manifest file; an inline or shared manifest is that account's error. */
async function pinWorkspace(file: string, o: PinOptions, io: Io): Promise<number> {
  const opened = await openWorkspace(file, o.workspace.accounts, io, o.display);
  const { ok, values } = await eachAccount(opened, { connection: o.connection, parallel: o.workspace.parallel }, io, async (account, connect) => {
    const path = ownManifestFile(opened, account, 'pin');
    const { manifest, text } = await loadAccountOrExplain(opened.workspace, account, io, o.display);
    const listing = await listFor(await connect(), expectedAccountOf(opened.workspace, account), io, `${account.name}: `);
    return pinListed({ file: path, text, manifest, listing }, o, io, `${account.name}: `);
  });
  return ok && [...values.values()].every((code) => code === 0) ? 0 : 1;
}

/** What pinning one manifest works on: the file, its text and manifest, and the account's listing. */
interface PinInput {
  file: string;
  text: string;
  manifest: Manifest;
  listing: RemoteWebhook[];
}

/** Pins (or with --check, reports) the uuids of one manifest; every line starts with `prefix`. Resolves to the exit code. */
async function pinListed({ file, text, manifest, listing }: PinInput, o: PinOptions, io: Io, prefix: string): Promise<number> {
  const [{ resolve }, { pinManifest }, { renderPlanErrors }, { redactor }, { readReplacements }] = await Promise.all([
    import('node:path'),
    import('../../adopt/pin.js'),
    import('../../render/errors.js'),
    import('../../render/redactor.js'),
    import('../ledger.js'),
  ]);
  const name = escapeControl(file);
  const result = pinManifest(text, manifest, listing, { replaced: await readReplacements(io), updateStale: o.updateStale });
  if (result.errors.length > 0) {
    io.stderr.write(renderPlanErrors(result.errors, { showSensitive: o.display.showSensitive }));
    throw new UserError(`Nothing can be pinned: ${count(result.errors.length, 'problem')} above. ${name} was not changed.`);
  }

  // Addresses may be `event_type url`: masked and stripped like plans.
  const show = redactor({ showSensitive: o.display.showSensitive }).text;
  const where = (e: { address: string; source: { line: number } }): string => `${show(e.address)} (${name}:${e.source.line})`;
  for (const e of result.pinned) {
    const was = e.replaced !== undefined ? ` (was ${e.replaced}, replaced by rdhooks${o.updateStale ? ' or by hand' : ''})` : '';
    io.stdout.write(`${prefix}${o.check ? 'would pin' : 'pinned'} ${where(e)}: uuid: ${e.uuid}${was}\n`);
  }
  for (const e of result.unmatched) io.stderr.write(`${prefix}note: ${where(e)} ${e.message}\n`);
  for (const e of [...result.stale, ...result.skipped]) io.stderr.write(`${prefix}warning: ${where(e)} ${show(e.message)}\n`);

  const n = result.pinned.length;
  if (n === 0) {
    const k = result.skipped.length;
    io.stderr.write(prefix + (k > 0 ? `Nothing pinned: the ${k === 1 ? 'entry' : 'entries'} above need${k === 1 ? 's' : ''} the uuid added by hand.\n` : 'Nothing to pin: every matched entry has its uuid.\n'));
    return 0;
  }
  if (o.check) {
    io.stderr.write(`${prefix}${count(n, 'webhook')} would be pinned in ${name}; run rdhooks pin to write ${n === 1 ? 'it' : 'them'}.\n`);
    return 1;
  }
  await writeManifest(resolve(io.cwd, file), file, text, result.text);
  io.stderr.write(`${prefix}Pinned ${count(n, 'webhook')} in ${name}.\n`);
  return 0;
}

/**
 * Replaces the manifest atomically (a temporary file beside it, then rename), keeping its mode, a byte-order mark,
 * and a symbolic link pointing at it; refuses when the file changed since it was read.
 */
async function writeManifest(path: string, shownAs: string, before: string, after: string): Promise<void> {
  const [{ readFile, writeFile, rename, realpath, stat, rm }, { randomBytes }] = await Promise.all([import('node:fs/promises'), import('node:crypto')]);
  const target = await realpath(path);
  const bytes = await readFile(target);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '') !== before) {
    throw new UserError(`${escapeControl(shownAs)} changed while rdhooks pin was running; nothing was written.`, 'Run rdhooks pin again.');
  }
  const { mode } = await stat(target);
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${bom ? '\uFEFF' : ''}${after}`, { encoding: 'utf8', mode: mode & 0o777 });
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export default pin;
