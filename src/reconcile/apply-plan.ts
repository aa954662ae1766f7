/** Applying a plan to an account: safety, confirmation, a last look at the account, the writes, verification. */
import { executePlan, type ActionReport, type ApplyReport } from '../apply/execute.js';
import type { Verification } from '../apply/verify.js';
import type { Manifest } from '../manifest/types.js';
import { fingerprint } from '../plan/fingerprint.js';
import type { Plan } from '../plan/types.js';
import { describeListingChange } from './listing-change.js';
import type { PlannedAccount } from './plan-account.js';
import type { AccountSession } from './session.js';
import { verifyApplied } from './verify.js';

/** Options of applyPlan. */
export interface ApplyPlanOptions {
  session: AccountSession;
  /** The plan that was shown, and the listing it was made from. */
  planned: PlannedAccount;
  /** With a manifest, verification re-plans; without (a saved plan), it checks each change took effect. */
  manifest?: Manifest;
  /** Apply a plan the safety checks call unsafe. */
  force?: boolean;
  /** Writes in flight at once within a phase. Default 4. */
  concurrency?: number;
  /** Asked once, before anything is written; absent means approved (auto-approve, or a saved plan). */
  confirm?: (plan: Plan) => Promise<boolean>;
  /** Aborting starts no new write (and stops waiting for verification). */
  signal?: AbortSignal;
  /** Each write as it finishes. */
  onAction?: (report: ActionReport, finished: number, total: number) => void;
  /** Each step of the run, for progress lines. */
  onStep?: (step: 'rechecked' | 'verifying') => void;
}

/** How applying ended. Refusals wrote nothing. */
export type ApplyOutcome =
  | { kind: 'no-changes' }
  | { kind: 'unsafe'; reasons: string[] }
  | { kind: 'declined' }
  /** The account changed between the plan shown and the last look before writing: what changed. */
  | { kind: 'account-changed'; changes: string[] }
  | { kind: 'applied'; report: ApplyReport; verification: Verification; interrupted: boolean };

/**
 * Applies `planned.plan` to the account. Before the first write, after any confirmation, the account is listed
 * again: if it is not the account the plan was made from (its fingerprint), nothing is written. Never throws for a
 * failed write (they are in the report); API failures before the writes throw.
 */
export async function applyPlan(options: ApplyPlanOptions): Promise<ApplyOutcome> {
  const { plan, listing } = options.planned;
  if (plan.changes.length === 0) return { kind: 'no-changes' };
  if (plan.unsafe && plan.unsafe.length > 0 && options.force !== true) return { kind: 'unsafe', reasons: plan.unsafe };
  if (options.confirm && !(await options.confirm(plan))) return { kind: 'declined' };

  const now = await options.session.api.list();
  if (fingerprint(now) !== plan.remote.fingerprint) return { kind: 'account-changed', changes: describeListingChange(listing, now) };
  options.onStep?.('rechecked');

  const report = await executePlan(plan, options.session.api, {
    concurrency: options.concurrency ?? 4,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onAction ? { onAction: options.onAction } : {}),
  });
  const verification: Verification = report.interrupted
    ? { verified: 'skipped', reason: 'the run was interrupted; run rdhooks plan to see what remains' }
    : await verifyUnlessAborted(options);
  return { kind: 'applied', report, verification, interrupted: report.interrupted || options.signal?.aborted === true };
}

async function verifyUnlessAborted(options: ApplyPlanOptions): Promise<Verification> {
  options.onStep?.('verifying');
  const verifying = verifyApplied(options.planned.plan, options.manifest, options.session);
  const signal = options.signal;
  if (!signal) return verifying;
  // A listing cannot be taken back; an interrupt stops waiting for it, so the report still comes out.
  const aborted = new Promise<Verification>((resolve) => {
    const stop = (): void => resolve({ verified: 'skipped', reason: 'interrupted while listing the account again; run rdhooks plan to check it' });
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  return Promise.race([verifying, aborted]);
}
