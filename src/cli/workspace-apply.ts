/**
 * `apply` over a workspace: every selected account planned at once (or its saved plan re-derived and checked),
 * the plans shown, one question for them all, then each account applied at once, and a report per account. One
 * account failing or refused never stops the others.
 */
import type { ApplyOutcome } from '../reconcile/apply-plan.js';
import type { Plan } from '../plan/types.js';
import type { AccountApplied, AccountPlan, AppliedResult } from '../render/workspace.js';
import { UserError } from '../shared/errors.js';
import { escapeControl } from '../shared/text.js';
import { count } from '../shared/wording.js';
import type { WorkspaceAccount } from '../workspace/types.js';
import type { PlanningOptions } from './account.js';
import { EXIT } from './command.js';
import type { ConnectionOptions } from './connection.js';
import { appendSummary, renderWorkspaceAs, type Display } from './display.js';
import { useColor, type Io } from './io.js';
import { refusalOf } from './refusal.js';
import { confirmOnTerminal, withInterrupts } from './terminal.js';
import { openWorkspace, planAccounts, withAccountConnections, type AccountPlanned, type OpenedWorkspace } from './workspace.js';
import type { WorkspaceOptions } from './workspace-flags.js';

/** What applying a workspace takes. */
export interface WorkspaceApplyOptions {
  workspace: WorkspaceOptions;
  /** A workspace plan saved by `plan --out`. */
  planFile?: string;
  autoApprove: boolean;
  force: boolean;
  concurrency: number;
  format: 'text' | 'markdown';
  summaryFile?: string;
  planning: PlanningOptions;
  display: Display;
  connection: ConnectionOptions;
}

/** Applies the workspace at `file`; resolves to the exit code: 0 all applied and verified, 1 any failed, 130 interrupted. */
export async function applyWorkspace(file: string, o: WorkspaceApplyOptions, io: Io): Promise<number> {
  const opened = await openWorkspace(file, o.workspace.accounts, io, o.display);
  const saved = o.planFile === undefined ? undefined : await savedPlans(o.planFile, opened, io);
  const run = saved ? { ...opened, accounts: saved.accounts } : opened;

  return withAccountConnections(run, o.connection, io, async (connections) => {
    const planning = { planning: o.planning, parallel: o.workspace.parallel, display: o.display, ...(saved ? { saved: { file: o.planFile ?? '', plans: saved.plans } } : {}) };
    const { entries, planned } = await planAccounts(run, connections, planning, io);
    const shown = saved ? inPlanOrder(saved.missing, entries) : entries;
    io.stdout.write(await renderWorkspaceAs(shown, o.format, o.display, io));

    const [{ runAccounts }, { applyPlan }, { actionLine }] = await Promise.all([import('../reconcile/accounts.js'), import('../reconcile/apply-plan.js'), import('../render/report.js')]);
    let writing = false;
    let interrupted = false;
    const outcomes = await withInterrupts(
      io,
      async (signal) => {
        const ready = [...planned.values()].filter((p) => p.planned.plan.changes.length > 0 && (o.force || !(p.planned.plan.unsafe?.length ?? 0)));
        // One question for every account: the saved plan was the review, and --auto-approve answers it.
        if (ready.length > 0 && !saved && !o.autoApprove) {
          io.stderr.write(`\n${count(ready.length, 'account')} to apply: ${ready.map((p) => p.account.name).join(', ')}.`);
          if (!(await confirmOnTerminal(io, signal))) throw new UserError('Apply cancelled; nothing was changed in any account.');
        }
        writing = true;
        signal.addEventListener('abort', () => (interrupted = true), { once: true });
        return runAccounts([...planned.values()].map((p) => ({ ...p, name: p.account.name })), { parallel: o.workspace.parallel, signal }, (p: AccountPlanned) =>
          applyPlan({
            session: p.session,
            planned: p.planned,
            // A partial plan (--target) is verified by its own changes, not against the whole manifest.
            ...(p.planned.plan.request.target.length === 0 ? { manifest: p.manifest } : {}),
            force: o.force,
            concurrency: o.concurrency,
            signal,
            onAction: (a, finished, total) => void io.stderr.write(`${p.account.name}: [${finished}/${total}] ${actionLine(a, { showSensitive: o.display.showSensitive, withoutMessage: true })}\n`),
          }),
        );
      },
      () => writing,
    );

    const { errorText } = await import('./report-error.js');
    const results = new Map(outcomes.map((outcome): [string, AppliedResult] => [outcome.name, outcome.ok ? appliedOf(outcome.value, o.display.showSensitive) : { error: errorText(outcome.error) }]));
    const applied: AccountApplied[] = shown.map((entry) => ({ name: entry.name, account: entry.plan?.remote.account ?? entry.account, ...(entry.error !== undefined ? { error: `Not applied: ${entry.error}` } : (results.get(entry.name) ?? {})) }));
    return report(applied, shown, interrupted, o, io);
  });
}

/** An account's outcome as its part of the report: what was written, why nothing was, or nothing to do. */
function appliedOf(outcome: ApplyOutcome, showSensitive: boolean): AppliedResult {
  if (outcome.kind === 'applied') return { report: outcome.report, verification: outcome.verification };
  const refused = refusalOf(outcome, showSensitive);
  return refused ? { error: `${refused.message}${refused.hint ? `\n${refused.hint}` : ''}` } : {};
}

/** Prints the reports, records replaced uuids, appends the job summary; resolves to the exit code. */
async function report(applied: AccountApplied[], shown: AccountPlan[], interrupted: boolean, o: WorkspaceApplyOptions, io: Io): Promise<number> {
  const [{ renderAppliedText, renderAppliedMarkdown, appliedFailed }, { recordReplacements }] = await Promise.all([import('../render/workspace.js'), import('./ledger.js')]);
  await recordReplacements(applied.flatMap((a) => a.report?.actions ?? []), io);
  io.stdout.write(renderAppliedText(applied, { showSensitive: o.display.showSensitive, color: useColor(io.stdout, io.env, o.display.color) }));
  await appendSummary(o.summaryFile, io, async () => `${await renderWorkspaceAs(shown, 'markdown', o.display, io)}\n${renderAppliedMarkdown(applied, o.display)}`);
  if (interrupted) return EXIT.interrupted;
  return applied.some(appliedFailed) ? EXIT.error : EXIT.ok;
}

/** A saved workspace plan: the accounts to apply (those it has plans for, and --account chose), their plans, and the rest. */
interface SavedWorkspacePlans {
  accounts: WorkspaceAccount[];
  plans: Map<string, Plan>;
  /** Accounts of the saved plan that cannot be applied, with why, in the plan's order (a null entry keeps a place). */
  missing: (AccountPlan | null)[];
}

/**
 * Reads the saved workspace plan: each account it planned is applied as a single saved plan is, checked one by one;
 * an account it has no plan for (it failed when planned), or that the workspace no longer has, is an error.
 */
async function savedPlans(file: string, opened: OpenedWorkspace, io: Io): Promise<SavedWorkspacePlans> {
  const [{ readWorkspacePlan }, { checkSavedPlanWhole }] = await Promise.all([import('../workspace/plan-file.js'), import('../reconcile/saved-plan.js')]);
  const doc = await readWorkspacePlan(file, io.cwd);
  const chosen = new Set(opened.accounts.map((a) => a.name));
  const byName = new Map(opened.workspace.accounts.map((a) => [a.name, a]));
  const inDoc = doc.accounts.filter((entry) => chosen.has(entry.name) || !byName.has(entry.name));
  if (inDoc.length === 0) {
    throw new UserError(`${escapeControl(file)} has no plan for ${opened.accounts.map((a) => a.name).join(', ')}; nothing was changed.`, 'Make the plan with those accounts: rdhooks plan --workspace FILE --account NAME --out PLAN.');
  }
  const accounts: WorkspaceAccount[] = [];
  const plans = new Map<string, Plan>();
  const missing = inDoc.map((entry): AccountPlan | null => {
    const account = byName.get(entry.name);
    if (account === undefined) return { name: entry.name, account: entry.plan?.remote.account ?? '', error: `${escapeControl(file)} has a plan for it, and ${escapeControl(opened.workspace.path)} has no such account; nothing was changed in it.` };
    if (entry.plan === null) return { name: entry.name, account: account.account, error: `it had no plan when ${escapeControl(file)} was made: ${entry.error ?? 'it failed'}` };
    checkSavedPlanWhole(entry.plan, file);
    accounts.push(account);
    plans.set(entry.name, entry.plan);
    return null;
  });
  return { accounts, plans, missing };
}

/** The accounts of a saved plan in its order: those planned now where they stood, those that could not be in theirs. */
function inPlanOrder(missing: (AccountPlan | null)[], planned: AccountPlan[]): AccountPlan[] {
  const next = planned[Symbol.iterator]();
  return missing.map((m) => m ?? (next.next().value as AccountPlan));
}
