/** Planning an account for the terminal: the planning flags, progress on stderr, plan errors printed then thrown. */
import type { Argv } from 'yargs';
import type { Manifest } from '../manifest/types.js';
import { planAccount, type PlannedAccount } from '../reconcile/plan-account.js';
import { nameAndListing, type AccountListing } from '../reconcile/session.js';
import type { CheckTargets } from '../reconcile/target-check.js';
import { UserError } from '../shared/errors.js';
import { count } from '../shared/wording.js';
import { UsageError, type ParsedArgs } from './command.js';
import { openConnection, type Connection, type ConnectionOptions } from './connection.js';
import { loadValidManifest, type Display } from './display.js';
import type { Io } from './io.js';
import { listFlag } from './options.js';

/** What plan and apply are asked beyond the manifest. */
export interface PlanningOptions {
  replace: string[];
  target: string[];
  checkTargets?: CheckTargets;
}

/** Adds --replace, --target and --check-targets. */
export function planningFlags(y: Argv): Argv {
  return y
    .option('replace', { type: 'string', array: true, describe: 'Delete and create again the webhook at this address (entry name, "event_type url" or uuid); repeatable' })
    .option('target', { type: 'string', array: true, describe: 'Plan only the entry at this address (and what it would collide with); repeatable; prune is off' })
    .option('check-targets', {
      type: 'string',
      describe: 'POST {"leads": []} to each new or changed target first and fail the plan when one does not answer 2xx; =all probes every managed target (default: the manifest\'s targets.check)',
    });
}

/** Reads --replace, --target and --check-targets. */
export function parsePlanningArgs(argv: ParsedArgs): PlanningOptions {
  const raw = argv['check-targets'];
  const check = raw === undefined ? undefined : raw === '' || raw === 'changed' ? 'changed' : raw === 'all' ? 'all' : bad(raw);
  return { replace: listFlag(argv, 'replace'), target: listFlag(argv, 'target'), ...(check ? { checkTargets: check } : {}) };
}

function bad(value: unknown): never {
  throw new UsageError(`--check-targets takes no value (the targets this plan writes) or =all (every managed target), not ${String(value)}.`);
}

/** What plan and apply work on: the manifest, the open connection, and its name and listing (asked already). */
export interface LoadedAccount {
  manifest: Manifest;
  session: Connection;
  fetched: Promise<AccountListing>;
}

/** Checks a caller makes on the way: before any request (the session is open), and on the loaded manifest. */
export interface LoadChecks {
  beforeRequests?: (session: Connection) => void;
  manifest?: (manifest: Manifest) => void;
}

/**
 * Reads the manifest while the account is asked for its name and listing, so the parse and the network overlap,
 * then runs `work`. An invalid manifest is reported first (before any connection problem) and nothing more is
 * asked. The calls start early only when they are reads and nothing else: with an access token at hand. A token
 * exchange (which RD may answer by rotating the refresh token) waits for a valid manifest; a listing under way
 * when the manifest turns out invalid is safe to abandon.
 */
export async function withManifestAndAccount<T>(
  file: string,
  options: ConnectionOptions,
  io: Io,
  display: Display,
  work: (loaded: LoadedAccount) => Promise<T>,
  checks: LoadChecks = {},
): Promise<T> {
  const loading = loadValidManifest(file, io, display);
  loading.catch(() => undefined); // awaited below, whichever way it ends
  let session: Connection;
  try {
    session = await openConnection(options, io);
  } catch (err) {
    await loading;
    throw err;
  }
  try {
    checks.beforeRequests?.(session);
    const fetch = (): Promise<AccountListing> => {
      const fetched = nameAndListing(session);
      fetched.catch(() => undefined); // awaited by planAccount, maybe later; abandoned when the manifest is invalid
      return fetched;
    };
    const early = session.readsFreely ? fetch() : undefined;
    const { manifest } = await loading;
    checks.manifest?.(manifest);
    return await work({ manifest, session, fetched: early ?? fetch() });
  } finally {
    await session.close();
  }
}

/** Lists the account once and plans; what makes a plan impossible is printed, then thrown as a UserError. */
export async function planOrExplain(loaded: LoadedAccount, io: Io, display: Display, planning: PlanningOptions): Promise<PlannedAccount> {
  const { readReplacements } = await import('./ledger.js');
  const { manifest, session, fetched } = loaded;
  const result = await planAccount({
    manifest,
    session,
    fetched,
    ...planning,
    replaced: await readReplacements(io),
    onListed: (n) => void io.stderr.write(`Listed ${count(n, 'webhook')}.\n`),
    onProbing: (n) => void io.stderr.write(`Checking ${count(n, 'target')} (POST {"leads":[]}, User-Agent rdhooks-target-check)…\n`),
  });
  if (result.ok) return result;
  const { renderPlanErrors } = await import('../render/errors.js');
  io.stderr.write(renderPlanErrors(result.errors, { showSensitive: display.showSensitive }));
  throw new UserError(`No plan can be made: ${count(result.errors.length, 'problem')} above. Nothing was changed.`);
}
