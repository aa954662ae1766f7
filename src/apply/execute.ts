/** Executes a plan against a WebhookApi: deletes, then updates by wave, then creates, with bounded concurrency. */
import type { WebhookApi } from '../rdstation/api.js';
import { InterruptedError } from '../shared/errors.js';
import { ApiError, isDuplicateError } from '../rdstation/errors.js';
import type { Change, Plan } from '../plan/types.js';
import { diffFields } from '../plan/diff.js';
import { identityKey, type WebhookSpec } from '../shared/webhook.js';
import { runPool } from '../shared/pool.js';

/**
 * How one action ended. `adopted`: a create whose webhook turned out to exist already with the fields asked for
 * (its answer was lost, or it was made elsewhere meanwhile), taken over instead of duplicated.
 */
export type ActionOutcome = 'done' | 'adopted' | 'already_gone' | 'failed' | 'skipped' | 'not_started';

/** One line of the apply report: what was written, to which webhook, and how it ended. */
export interface ActionReport {
  action: Change['action'];
  address: string;
  /** The webhook written: the one updated or deleted, or the one a create made or adopted. */
  uuid?: string;
  /** The target URL the webhook had when written (for a create, the one it was given). */
  url: string;
  /** An update that moved the webhook: the URL it has now. */
  newUrl?: string;
  outcome: ActionOutcome;
  durationMs: number;
  attempts: number;
  /** Why it failed or was skipped, and what to do. */
  message?: string;
  /** The API's error code of a failure (e.g. TARGET_URL_REJECTED), for advice that fits it. */
  code?: string;
  /** A replace: the uuid of the webhook it deleted (`uuid` is the new one's). */
  replacedUuid?: string;
}

/** Every action of the plan, in plan order, and whether the run was interrupted. */
export interface ApplyReport {
  actions: ActionReport[];
  interrupted: boolean;
}

/** Knobs of a run; `now` is injectable so reports are testable. */
export interface ExecuteOptions {
  concurrency: number;
  signal?: AbortSignal;
  /** Called as each action finishes. */
  onAction?: (report: ActionReport, finished: number, total: number) => void;
  /** Attempts for a create whose outcome stays unknown after re-listing. */
  maxCreateAttempts?: number;
  now?: () => number;
}

/** True for the outcomes that leave the account as the plan wanted. */
export function succeeded(outcome: ActionOutcome): boolean {
  return outcome === 'done' || outcome === 'adopted' || outcome === 'already_gone';
}

/** One write of a change: a replace is two, its delete run with the deletes and its create with the creates. */
interface Step {
  change: Change;
  write: 'delete' | 'update' | 'create';
}

/** Applies `plan.changes` to `api`; never throws for a failed action: failures are in the report. */
export async function executePlan(plan: Plan, api: WebhookApi, options: ExecuteOptions): Promise<ApplyReport> {
  const now = options.now ?? Date.now;
  const reports = new Map<Change, ActionReport>();
  /** Replaces whose delete is done and whose create is still to come. */
  const halfDone = new Map<Change, { started: number; attempts: number }>();
  const blockers = blockingChanges(plan.changes);
  let finished = 0;

  const runStep = async ({ change, write }: Step): Promise<void> => {
    if (reports.has(change)) return; // a replace whose delete failed
    const blocker = write === 'delete' ? undefined : (blockers.get(change) ?? []).find((b) => !succeeded(reports.get(b)?.outcome ?? 'not_started'));
    if (blocker) {
      record(change, { outcome: 'skipped', durationMs: 0, attempts: 0, message: `it needs ${blocker.address} to ${blocker.action} first, which did not succeed` });
      return;
    }
    const earlier = halfDone.get(change);
    const started = earlier?.started ?? now();
    const counter = { attempts: earlier?.attempts ?? 0 };
    try {
      const outcome = await perform(change, write, api, counter, options.maxCreateAttempts ?? 3, options.signal);
      if (change.action === 'replace' && write === 'delete') halfDone.set(change, { started, attempts: counter.attempts });
      else record(change, { ...outcome, durationMs: now() - started, attempts: counter.attempts });
    } catch (err) {
      const code = err instanceof ApiError ? err.code : undefined;
      record(change, { outcome: 'failed', durationMs: now() - started, attempts: counter.attempts, message: failureMessage(change, err), ...(code ? { code } : {}) });
    }
  };

  const record = (change: Change, r: Omit<ActionReport, 'action' | 'address' | 'url'>): void => {
    halfDone.delete(change);
    const report: ActionReport = { ...written(change, r.uuid), ...r };
    reports.set(change, report);
    options.onAction?.(report, ++finished, plan.changes.length);
  };

  for (const phase of phases(plan.changes)) {
    if (options.signal?.aborted) break;
    await runPool(phase, options.concurrency, runStep, options.signal);
  }

  const actions = plan.changes.map(
    (c) =>
      reports.get(c) ?? {
        ...written(c),
        outcome: 'not_started' as const,
        durationMs: 0,
        attempts: 0,
        message: halfDone.has(c) ? 'deleted, but not created again: the run was interrupted; apply again to create it' : 'the run was interrupted',
      },
  );
  return { actions, interrupted: options.signal?.aborted ?? false };
}

/** What a change writes to: its address, its webhook's uuid (a create's once known) and the URL it had. */
function written(change: Change, uuid?: string): Pick<ActionReport, 'action' | 'address' | 'uuid' | 'url' | 'newUrl' | 'replacedUuid'> {
  const id = uuid ?? ('uuid' in change ? change.uuid : undefined);
  const head = { action: change.action, address: change.address, ...(id ? { uuid: id } : {}) };
  switch (change.action) {
    case 'create':
      return { ...head, url: change.after.url };
    case 'delete':
      return { ...head, url: change.before.url };
    case 'update':
    case 'replace': {
      const moved = change.before.url !== change.after.url ? { newUrl: change.after.url } : {};
      const replaced = change.action === 'replace' && id !== change.uuid ? { replacedUuid: change.uuid } : {};
      return { ...head, url: change.before.url, ...moved, ...replaced };
    }
  }
}

/** Deletes (and replaces' deletes), then each wave of updates, then creates (and replaces' creates). */
function phases(changes: readonly Change[]): Step[][] {
  const deletes = changes.filter((c) => c.action === 'delete' || c.action === 'replace').map((change) => ({ change, write: 'delete' as const }));
  const updates = changes.flatMap((c) => (c.action === 'update' ? [c] : []));
  const creates = changes.filter((c) => c.action === 'create' || c.action === 'replace').map((change) => ({ change, write: 'create' as const }));
  const waves = [...new Set(updates.map((u) => u.wave))].sort((a, b) => a - b);
  const waveSteps = waves.map((w) => updates.filter((u) => u.wave === w).map((change) => ({ change, write: 'update' as const })));
  return [deletes, ...waveSteps, creates].filter((p) => p.length > 0);
}

/** For each change that moves onto a key, every change that must first vacate it (listed duplicates: several). */
function blockingChanges(changes: readonly Change[]): Map<Change, Change[]> {
  const vacating = new Map<string, Change[]>();
  const vacates = (key: string, c: Change): void => void vacating.set(key, [...(vacating.get(key) ?? []), c]);
  for (const c of changes) {
    if (c.action === 'delete') vacates(identityKey(c.before), c);
    if ((c.action === 'update' || c.action === 'replace') && identityKey(c.before) !== identityKey(c.after)) vacates(identityKey(c.before), c);
  }
  const blockers = new Map<Change, Change[]>();
  for (const c of changes) {
    if (c.action === 'delete') continue;
    const needed = (vacating.get(identityKey(c.after)) ?? []).filter((b) => b !== c);
    if (needed.length > 0) blockers.set(c, needed);
  }
  return blockers;
}

type Performed = Pick<ActionReport, 'outcome' | 'uuid'>;

async function perform(change: Change, write: Step['write'], api: WebhookApi, counter: { attempts: number }, maxCreateAttempts: number, signal?: AbortSignal): Promise<Performed> {
  if (write === 'delete' && 'uuid' in change) {
    counter.attempts++;
    try {
      await api.delete(change.uuid);
      return { outcome: 'done' };
    } catch (err) {
      // Someone else already removed it: the account is as the plan wanted.
      if (err instanceof ApiError && err.status === 404) return { outcome: 'already_gone' };
      throw err;
    }
  }
  if (write === 'update' && change.action === 'update') {
    counter.attempts++;
    await api.update(change.uuid, change.after);
    return { outcome: 'done' };
  }
  if (change.action === 'create' || change.action === 'replace') return create(change.after, api, counter, maxCreateAttempts, signal);
  throw new Error(`no ${write} step for a ${change.action}`);
}

/**
 * A POST whose answer was lost may have created the webhook; posting again could make a duplicate that sends
 * every lead twice. So after such a failure, list: adopt the webhook if it is there, post again only if not.
 * A POST that timed out can still land after that list; the retry is then refused as a duplicate, and the
 * webhook is adopted the same way.
 */
async function create(after: WebhookSpec, api: WebhookApi, counter: { attempts: number }, maxAttempts: number, signal?: AbortSignal): Promise<Performed> {
  for (;;) {
    counter.attempts++;
    try {
      const created = await api.create(after);
      return { outcome: 'done', uuid: created.uuid };
    } catch (err) {
      const duplicate = err instanceof ApiError && isDuplicateError(err);
      const landedLate = counter.attempts > 1 && duplicate;
      if (!outcomeUnknown(err) && !duplicate) throw err;
      const existing = (await api.list()).find((w) => identityKey(w) === identityKey(after));
      // Refused as a duplicate on the first try: someone made it meanwhile. Taken over only if it is exactly what
      // was asked for; anything else is theirs, not ours to overwrite.
      if (duplicate && !landedLate) {
        if (existing && diffFields(existing, after).length === 0) return { outcome: 'adopted', uuid: existing.uuid };
        throw err;
      }
      if (existing) {
        if (diffFields(existing, after).length > 0) await api.update(existing.uuid, after);
        return { outcome: 'adopted', uuid: existing.uuid };
      }
      if (landedLate || counter.attempts >= maxAttempts) throw err;
      // Interrupted: start no new POST. The one that failed did not land (the list shows), so nothing is lost.
      if (signal?.aborted) throw new InterruptedError('interrupted before retrying the create; it was not created');
    }
  }
}

/** No answer, or a 5xx: the write may or may not have happened. */
function outcomeUnknown(err: unknown): boolean {
  return err instanceof ApiError && (err.outcomeUnknown || err.status === undefined || err.status >= 500);
}

function failureMessage(change: Change, err: unknown): string {
  if (change.action === 'update' && err instanceof ApiError && err.status === 404) {
    return `webhook ${change.uuid} was deleted outside rdhooks; run \`rdhooks plan\` again`;
  }
  if (err instanceof ApiError || err instanceof Error) {
    const hint = 'hint' in err && typeof err.hint === 'string' ? ` (${err.hint})` : '';
    return `${err.message}${hint}`;
  }
  return String(err);
}
