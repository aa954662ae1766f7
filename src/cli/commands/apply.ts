/** `rdhooks apply [MANIFEST]` / `rdhooks apply --plan FILE`: plan (or re-derive a saved plan), confirm, converge, verify. */
import type { Argv } from 'yargs';
import type { ApplyOutcome } from '../../reconcile/apply-plan.js';
import type { Plan } from '../../plan/types.js';
import { parsePlanningArgs, planningFlags, planOrExplain, withManifestAndAccount, type PlanningOptions } from '../account.js';
import { EXIT, UsageError, type CommandModule, type ParsedArgs } from '../command.js';
import { CONNECTION_READS, connectionFlags, parseConnectionArgs, type ConnectionOptions } from '../connection.js';
import { appendSummary, parseDisplayArgs, parseSummaryTarget, renderPlanAs, sensitiveFlag, summaryFlag, type Display } from '../display.js';
import type { Io } from '../io.js';
import { booleanFlag, choiceFlag, DEFAULTS, numberFlag, stringFlag } from '../options.js';
import { refusalOf } from '../refusal.js';
import { chooseWorkspace, parseWorkspaceArgs, workspaceFlags, type WorkspaceOptions } from '../workspace-flags.js';
import { confirmOnTerminal, progressPrinter, withInterrupts } from '../terminal.js';

const FORMATS = ['text', 'markdown'] as const;

/** Checked options of apply. */
export interface ApplyOptions {
  /** The manifest argument, when given. */
  manifest?: string;
  /** A plan saved by `plan --out`. */
  planFile?: string;
  workspace: WorkspaceOptions;
  autoApprove: boolean;
  force: boolean;
  concurrency: number;
  format: (typeof FORMATS)[number];
  summaryFile?: string;
  planning: PlanningOptions;
  display: Display;
  connection: ConnectionOptions;
}

const apply: CommandModule<ApplyOptions> = {
  builder: (y: Argv) =>
    workspaceFlags(planningFlags(summaryFlag(sensitiveFlag(connectionFlags(y)))))
      .positional('manifest', { type: 'string', describe: `The manifest (default ${DEFAULTS.manifest}; with --plan, the plan's own)` })
      .option('plan', { type: 'string', describe: 'Apply a plan saved by `rdhooks plan --out FILE`, without asking: it is re-planned and must be unchanged' })
      .option('auto-approve', { type: 'boolean', default: false, describe: 'Apply without asking (required without a terminal, as in CI)' })
      .option('force', { type: 'boolean', default: false, describe: 'Apply a plan the safety checks call unsafe' })
      .option('concurrency', { type: 'number', default: DEFAULTS.concurrency, describe: 'Writes in flight at once, within each phase' })
      .option('format', { choices: FORMATS, default: 'text', describe: 'Output format of the plan shown before applying' })
      .epilogue(
        `Reads: ${CONNECTION_READS}; GITHUB_STEP_SUMMARY, NO_COLOR, FORCE_COLOR. ` +
          'Exit codes: 0 applied and verified (or nothing to do), 1 error, refused or not verified, 130 interrupted.',
      )
      .example('rdhooks apply', 'Plan ./webhooks.yaml, ask, apply, verify')
      .example('rdhooks plan --out plan.json && rdhooks apply --plan plan.json', 'Apply exactly the plan reviewed')
      .example('rdhooks apply --parallel 8 --auto-approve', 'Apply every account of ./rdhooks.workspace.yaml, 8 at a time'),

  parse(argv: ParsedArgs, io: Io): ApplyOptions {
    const manifest = stringFlag(argv, 'manifest');
    const planFile = stringFlag(argv, 'plan');
    const summaryFile = parseSummaryTarget(argv, io.env);
    const planning = parsePlanningArgs(argv);
    if (planFile !== undefined && (planning.replace.length > 0 || planning.target.length > 0)) {
      throw new UsageError('--replace and --target do not go with --plan: a saved plan is applied as it was asked.', 'Give them to rdhooks plan --out FILE instead.');
    }
    if (planFile !== undefined && booleanFlag(argv, 'auto-approve')) {
      io.stderr.write('note: --auto-approve is implied by --plan: a saved plan is applied without asking.\n');
    }
    return {
      ...(manifest !== undefined ? { manifest } : {}),
      ...(planFile !== undefined ? { planFile } : {}),
      workspace: parseWorkspaceArgs(argv),
      autoApprove: booleanFlag(argv, 'auto-approve'),
      force: booleanFlag(argv, 'force'),
      concurrency: numberFlag(argv, 'concurrency', DEFAULTS.concurrency, { min: 1, max: 64, integer: true }),
      format: choiceFlag(argv, 'format', FORMATS, 'text'),
      ...(summaryFile !== undefined ? { summaryFile } : {}),
      planning,
      display: parseDisplayArgs(argv),
      connection: parseConnectionArgs(argv, io.env),
    };
  },

  async run(o: ApplyOptions, io: Io): Promise<number> {
    const workspace = await workspaceOf(o, io);
    if (workspace !== undefined) return (await import('../workspace-apply.js')).applyWorkspace(workspace, o, io);
    const saved = await import('../../reconcile/saved-plan.js');
    const savedPlan = o.planFile === undefined ? undefined : await saved.readSavedPlan(o.planFile, io.cwd);
    const file = o.planFile;
    const manifestPath = savedPlan && file ? await saved.savedPlanManifest(savedPlan, file, io.cwd, o.manifest) : (o.manifest ?? DEFAULTS.manifest);
    // A saved plan applies only to its own manifest, unchanged, and its own API: checked before any request.
    const checks = savedPlan && file ? { beforeRequests: (s: { apiUrl: string }) => saved.checkSavedPlanTarget(savedPlan, file, s.apiUrl), manifest: (m: { sha256: string }) => saved.checkSavedManifest(savedPlan, file, m.sha256) } : {};
    if (savedPlan && file) await saved.checkSavedManifestFile(savedPlan, file, io.cwd);

    return withManifestAndAccount(manifestPath, o.connection, io, o.display, async (loaded) => {
      const { manifest, session } = loaded;
      // A saved plan is re-derived with what it was asked (--replace, --target), not with flags given now.
      const planning = savedPlan ? { ...o.planning, replace: savedPlan.request.replace, target: savedPlan.request.target } : o.planning;
      const planned = await planOrExplain(loaded, io, o.display, planning);
      if (savedPlan && file) saved.checkSavedPlan(savedPlan, planned.plan, file);
      io.stdout.write(await renderPlanAs(planned.plan, o.format, o.display, io));

      const { applyPlan } = await import('../../reconcile/apply-plan.js');
      const progress = progressPrinter(io, o.display.showSensitive);
      let writing = false;
      const outcome = await withInterrupts(
        io,
        (signal) =>
          applyPlan({
            session,
            planned,
            // A partial plan (--target) is verified by its own changes, not against the whole manifest.
            ...(planned.plan.request.target.length === 0 ? { manifest } : {}),
            force: o.force,
            concurrency: o.concurrency,
            signal,
            // The saved plan was the review; a plan shown now is asked about unless --auto-approve.
            ...(savedPlan || o.autoApprove ? {} : { confirm: () => confirmOnTerminal(io, signal) }),
            onAction: progress.onAction,
            onStep: (step) => {
              writing = step === 'rechecked';
              if (step === 'verifying') progress.end();
            },
          }),
        () => writing,
      );
      progress.end();
      return report(outcome, planned.plan, o, io);
    }, checks);
  },
};

/** The workspace to apply: as plan chooses, except that a saved plan says itself whether it is a workspace's. */
async function workspaceOf(o: ApplyOptions, io: Io): Promise<string | undefined> {
  if (o.planFile === undefined || o.workspace.file !== undefined) return chooseWorkspace(o.manifest, o.workspace, io);
  const { isWorkspacePlanFile } = await import('../../workspace/plan-file.js');
  if (!(await isWorkspacePlanFile(o.planFile, io.cwd))) return chooseWorkspace(o.manifest ?? DEFAULTS.manifest, o.workspace, io);
  const found = await chooseWorkspace(undefined, o.workspace, io);
  if (found === undefined) throw new UsageError(`${o.planFile} is a workspace plan, and there is no workspace here to apply it with.`, 'Pass --workspace FILE, the workspace it was made from.');
  return found;
}

/** Prints how the run ended; resolves to the exit code. */
async function report(outcome: ApplyOutcome, plan: Plan, o: ApplyOptions, io: Io): Promise<number> {
  const refused = refusalOf(outcome, o.display.showSensitive);
  if (refused) throw refused;
  if (outcome.kind !== 'applied') return EXIT.ok;
  const [{ renderReportMarkdown, renderReportText }, { recordReplacements }] = await Promise.all([import('../../render/report.js'), import('../ledger.js')]);
  await recordReplacements(outcome.report.actions, io);
  io.stdout.write(renderReportText(outcome.report, outcome.verification, o.display));
  await appendSummary(o.summaryFile, io, async () => `${await renderPlanAs(plan, 'markdown', o.display, io)}\n${renderReportMarkdown(outcome.report, outcome.verification, o.display)}`);
  if (outcome.interrupted) return EXIT.interrupted;
  const failed = outcome.report.actions.some((a) => a.outcome === 'failed' || a.outcome === 'skipped');
  return failed || outcome.verification.verified !== true ? EXIT.error : EXIT.ok;
}

export default apply;
