/**
 * Commands over a workspace's accounts: loading it, one connection per account (its own credentials, token and
 * rate limiter; under --emulator, one in-process emulator serving them all), and planning or working on every
 * account at once, one failing never stopping the others. The flags are in workspace-flags.ts.
 */
import { join, resolve } from 'node:path';
import type { AccountOptions } from '../emulator/accounts.js';
import type { Manifest } from '../manifest/types.js';
import type { Plan } from '../plan/types.js';
import type { PlannedAccount } from '../reconcile/plan-account.js';
import type { ExpectedAccount } from '../reconcile/session.js';
import type { AccountPlan } from '../render/workspace.js';
import { UserError } from '../shared/errors.js';
import { escapeControl } from '../shared/text.js';
import { count } from '../shared/wording.js';
import type { Workspace, WorkspaceAccount } from '../workspace/types.js';
import type { PlanningOptions } from './account.js';
import { clientSettings, openConnection, type Connection, type ConnectionOptions } from './connection.js';
import { printDiagnostics, type Display } from './display.js';
import type { Io } from './io.js';

/** A loaded workspace and the accounts selected to run. */
export interface OpenedWorkspace {
  workspace: Workspace;
  accounts: WorkspaceAccount[];
}

/** Loads the workspace, printing its warnings and errors to stderr, and selects the accounts; throws when it has errors. */
export async function openWorkspace(file: string, names: readonly string[], io: Io, display: Display): Promise<OpenedWorkspace> {
  const [{ loadWorkspace }, { selectAccounts }] = await Promise.all([import('../workspace/load.js'), import('../workspace/select.js')]);
  const result = await loadWorkspace(file, io.env, { cwd: io.cwd });
  const errors = await printDiagnostics(result.diagnostics, result.text, io, display);
  if (!result.workspace || errors > 0) {
    throw new UserError(`${escapeControl(file)} is not a valid workspace (${count(errors, 'error')} above); nothing was done.`, 'Fix them and run again.');
  }
  return { workspace: result.workspace, accounts: selectAccounts(result.workspace, names) };
}

/**
 * Loads an account's manifest. Its warnings go to stderr; its errors are the account's failure (thrown, so the
 * workspace's output shows them under the account, and the other accounts go on).
 */
export async function loadAccountOrExplain(workspace: Workspace, account: WorkspaceAccount, io: Io, display: Display): Promise<{ manifest: Manifest; text: string }> {
  const [{ loadAccountManifest }, { formatText }] = await Promise.all([import('../workspace/account.js'), import('../manifest/format.js')]);
  const result = await loadAccountManifest(workspace, account, io.env);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (result.manifest && result.text !== undefined && errors.length === 0) {
    await printDiagnostics(result.diagnostics, result.text, io, display);
    return { manifest: result.manifest, text: result.text };
  }
  throw new UserError(
    `Its manifest is not valid (${count(errors.length, 'error')}); nothing was done:\n${formatText(errors, { showSensitive: display.showSensitive }).trimEnd()}`,
    `Fix them and run again; rdhooks validate --workspace ${escapeControl(workspace.path)} shows them in context.`,
  );
}

/** The RD Station account a workspace entry expects, and where that is said, for the account guard's message. */
export function expectedAccountOf(workspace: Workspace, account: WorkspaceAccount): ExpectedAccount {
  return { name: account.account, source: `${workspace.path} (account ${account.name})` };
}

/** Where the emulator keeps a workspace account's state, relative to the working directory. */
function emulatorStateOf(account: WorkspaceAccount): string {
  return join('.rdhooks', 'emulator', `${account.name}.json`);
}

/**
 * The emulator's accounts for a workspace's (`plan --emulator`, `rdhooks emulator --workspace`): each under its RD
 * Station name, starting with the demo webhooks, with its own refresh token (the emulator's, `-NAME` added) and its
 * state in .rdhooks/emulator/NAME.json.
 */
export async function emulatorAccountsOf(accounts: readonly WorkspaceAccount[], cwd: string): Promise<AccountOptions[]> {
  const [{ EMULATOR_CREDENTIALS }, { DEMO_WEBHOOKS }, { ensureStateDir }] = await Promise.all([import('../emulator/server.js'), import('../emulator/demo.js'), import('./state-dir.js')]);
  await ensureStateDir(cwd);
  return accounts.map((a) => ({ name: a.account, state: join(cwd, emulatorStateOf(a)), seed: DEMO_WEBHOOKS, refreshToken: `${EMULATOR_CREDENTIALS.refreshToken}-${a.name}` }));
}

/** Connections to accounts of a workspace, opened as asked and closed together. */
export interface AccountConnections {
  open(account: WorkspaceAccount): Promise<Connection>;
  close(): Promise<void>;
}

/**
 * Opens connections to `accounts`: to RD Station, each with the credentials its workspace entry names; under
 * --emulator, to one in-process emulator serving each account under its RD Station name, with its own state.
 */
async function accountConnections(accounts: readonly WorkspaceAccount[], options: ConnectionOptions, io: Io): Promise<AccountConnections> {
  if (!options.emulator) {
    return {
      open: (a) => openConnection(options, io, { label: a.name, credentials: a.credentials.prefix !== undefined ? { prefix: a.credentials.prefix } : { envFile: a.credentials.envFile, fileOnly: true } }),
      close: async () => undefined,
    };
  }
  const [{ startEmulator }, { createHttpApi }] = await Promise.all([import('../emulator/server.js'), import('../rdstation/http.js')]);
  const emulator = await startEmulator({ accounts: await emulatorAccountsOf(accounts, io.cwd) });
  io.stderr.write(`Using the in-process emulator (state in ${join('.rdhooks', 'emulator')}), not RD Station.\n`);
  return {
    open: async (a) => ({
      api: createHttpApi({ ...clientSettings(options, io, a.name), apiUrl: emulator.url, auth: { accessToken: emulator.account(a.account).issueToken() } }),
      apiUrl: `emulator:${emulatorStateOf(a)}`,
      readsFreely: true,
      close: async () => undefined,
    }),
    close: () => emulator.close(),
  };
}

/** One account planned: the manifest and connection the plan was made with, and the plan with its listing. */
export interface AccountPlanned {
  account: WorkspaceAccount;
  manifest: Manifest;
  session: Connection;
  planned: PlannedAccount;
}

/** What planning a workspace takes. */
export interface WorkspacePlanning {
  planning: PlanningOptions;
  parallel: number;
  display: Display;
  /** Applying a saved workspace plan: each account's saved plan, checked as a single saved plan is. */
  saved?: { file: string; plans: ReadonlyMap<string, Plan> };
}

/** The accounts' plans for rendering, in the workspace's order, and those made (by account name). */
export interface WorkspacePlans {
  entries: AccountPlan[];
  planned: Map<string, AccountPlanned>;
}

/**
 * Plans each account, `parallel` at a time, each with its own connection; an account whose manifest is invalid,
 * whose credentials fail or belong to another RD Station account, or whose API fails, gets that as its error, and
 * the others go on. With saved plans, each account's is checked before its first request (manifest) and after
 * (the API, then the plan a plan made now would be).
 */
export async function planAccounts(opened: OpenedWorkspace, connections: AccountConnections, o: WorkspacePlanning, io: Io): Promise<WorkspacePlans> {
  const [{ runAccounts }, { planAccount }, saved, { renderPlanErrors }, { readReplacements }, { errorText }] = await Promise.all([
    import('../reconcile/accounts.js'),
    import('../reconcile/plan-account.js'),
    import('../reconcile/saved-plan.js'),
    import('../render/errors.js'),
    import('./ledger.js'),
    import('./report-error.js'),
  ]);
  const { workspace } = opened;
  const replaced = await readReplacements(io);
  const say = (account: WorkspaceAccount, line: string): void => void io.stderr.write(`${account.name}: ${line}\n`);

  const planOne = async (account: WorkspaceAccount): Promise<AccountPlanned> => {
    const savedPlan = o.saved?.plans.get(account.name);
    const label = `${o.saved?.file ?? ''} (account ${account.name})`;
    const { manifest } = await loadAccountOrExplain(workspace, account, io, o.display);
    if (savedPlan) saved.checkSavedManifest(savedPlan, label, manifest.sha256);
    const session = await connections.open(account);
    if (savedPlan) saved.checkSavedPlanTarget(savedPlan, label, session.apiUrl);
    const planning = savedPlan ? { ...o.planning, replace: savedPlan.request.replace, target: savedPlan.request.target } : o.planning;
    const result = await planAccount({
      manifest,
      session,
      ...planning,
      replaced,
      expected: expectedAccountOf(workspace, account),
      onListed: (n) => say(account, `listed ${count(n, 'webhook')}.`),
      onProbing: (n) => say(account, `checking ${count(n, 'target')} (POST {"leads":[]}, User-Agent rdhooks-target-check)…`),
    });
    if (!result.ok) {
      const problems = renderPlanErrors(result.errors, { showSensitive: o.display.showSensitive }).trimEnd();
      throw new UserError(`No plan can be made (${count(result.errors.length, 'problem')}); nothing was done:\n${problems}`);
    }
    if (savedPlan) saved.checkSavedPlan(savedPlan, result.plan, label);
    return { account, manifest, session, planned: result };
  };

  const outcomes = await runAccounts(opened.accounts, { parallel: o.parallel }, planOne);
  const planned = new Map<string, AccountPlanned>();
  const entries = outcomes.map((outcome, i): AccountPlan => {
    const account = opened.accounts[i] as WorkspaceAccount;
    if (!outcome.ok) return { name: account.name, account: account.account, error: accountErrorText(errorText(outcome.error), account) };
    planned.set(account.name, outcome.value);
    return { name: account.name, account: account.account, plan: outcome.value.planned.plan };
  });
  return { entries, planned };
}

/** Runs `work` with connections to the workspace's selected accounts, closing them however it ends. */
export async function withAccountConnections<T>(opened: OpenedWorkspace, options: ConnectionOptions, io: Io, work: (connections: AccountConnections) => Promise<T>): Promise<T> {
  const connections = await accountConnections(opened.accounts, options, io);
  try {
    return await work(connections);
  } finally {
    await connections.close();
  }
}

/**
 * Runs `work` on each selected account (given a way to open its connection), `parallel` at a time, for commands
 * whose output is a few lines per account (pin, export, auth check). Each failure is printed as `NAME: error: …`;
 * resolves to whether every account succeeded, and what each gave.
 */
export async function eachAccount<T>(
  opened: OpenedWorkspace,
  o: { connection: ConnectionOptions; parallel: number },
  io: Io,
  work: (account: WorkspaceAccount, connect: () => Promise<Connection>) => Promise<T>,
): Promise<{ ok: boolean; values: Map<string, T> }> {
  const [{ runAccounts }, { errorText }] = await Promise.all([import('../reconcile/accounts.js'), import('./report-error.js')]);
  return withAccountConnections(opened, o.connection, io, async (connections) => {
    const outcomes = await runAccounts(opened.accounts, { parallel: o.parallel }, (account) => work(account, () => connections.open(account)));
    const values = new Map<string, T>();
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) {
        values.set(outcome.name, outcome.value);
        return;
      }
      const [first, ...rest] = accountErrorText(errorText(outcome.error), opened.accounts[i] as WorkspaceAccount).split('\n');
      io.stderr.write(`${outcome.name}: error: ${first}\n${rest.map((line) => `  ${line}\n`).join('')}`);
    });
    return { ok: outcomes.every((x) => x.ok), values };
  });
}

/**
 * An account's error with the credential variables it names made the account's own: the API client speaks of
 * RDSTATION_CLIENT_ID and the rest, which this account reads under its prefix (or from its env file).
 */
function accountErrorText(text: string, account: WorkspaceAccount): string {
  const { prefix, envFile } = account.credentials;
  return text.replace(/\bRDSTATION_(CLIENT_ID|CLIENT_SECRET|REFRESH_TOKEN|ACCESS_TOKEN)\b/g, (whole, name: string) =>
    prefix !== undefined ? `${prefix}${name}` : `${whole} (in ${escapeControl(envFile)})`,
  );
}

/** The manifest files more than one account of the workspace uses: uuids are an account's own, so pin and export leave them. */
function sharedManifests(workspace: Workspace): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const account of workspace.accounts) {
    if (account.manifest.kind !== 'file') continue;
    const path = resolve(workspace.cwd, account.manifest.path);
    if (seen.has(path)) shared.add(path);
    seen.add(path);
  }
  return shared;
}

/**
 * The manifest file an account's command writes (pin, export); refuses an inline manifest (it is part of the
 * workspace file) and one shared with other accounts (uuids are an account's own).
 */
export function ownManifestFile(opened: OpenedWorkspace, account: WorkspaceAccount, action: string): string {
  const { workspace } = opened;
  if (account.manifest.kind !== 'file') {
    throw new UserError(`its manifest is written inside ${escapeControl(workspace.path)}; ${action} writes manifest files only.`, 'Move it to a file of its own (manifest: PATH) for this.');
  }
  if (sharedManifests(workspace).has(resolve(workspace.cwd, account.manifest.path))) {
    throw new UserError(`its manifest ${escapeControl(account.manifest.path)} is shared with other accounts; ${action} would write one account's webhooks into every one's.`, 'Give the account a manifest of its own for this.');
  }
  return account.manifest.path;
}
