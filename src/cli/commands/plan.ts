/** `rdhooks plan [MANIFEST]`: list the account once, diff it against the manifest, print the plan. */
import type { Argv } from 'yargs';
import { parsePlanningArgs, planningFlags, planOrExplain, withManifestAndAccount, type PlanningOptions } from '../account.js';
import { EXIT, type CommandModule, type ParsedArgs } from '../command.js';
import { CONNECTION_READS, connectionFlags, parseConnectionArgs, type ConnectionOptions } from '../connection.js';
import { appendSummary, parseDisplayArgs, parseSummaryTarget, renderPlanAs, renderWorkspaceAs, sensitiveFlag, summaryFlag, type Display, type PlanFormat } from '../display.js';
import type { Io } from '../io.js';
import { booleanFlag, choiceFlag, DEFAULTS, stringFlag } from '../options.js';
import { openWorkspace, planAccounts, withAccountConnections } from '../workspace.js';
import { chooseWorkspace, parseWorkspaceArgs, workspaceFlags, type WorkspaceOptions } from '../workspace-flags.js';

const FORMATS = ['text', 'json', 'markdown'] as const;

/** Checked options of plan. */
export interface PlanOptions {
  /** The manifest argument, when given. */
  manifest?: string;
  workspace: WorkspaceOptions;
  format: PlanFormat;
  out?: string;
  detailedExitcode: boolean;
  summaryFile?: string;
  /** Frame the Markdown as a drift report (the manifest is the truth). */
  drift: boolean;
  planning: PlanningOptions;
  display: Display;
  connection: ConnectionOptions;
}

const plan: CommandModule<PlanOptions> = {
  builder: (y: Argv) =>
    workspaceFlags(planningFlags(summaryFlag(sensitiveFlag(connectionFlags(y)))))
      .positional('manifest', { type: 'string', describe: `The manifest (default ${DEFAULTS.manifest})` })
      .option('format', { choices: FORMATS, default: 'text', describe: 'Output format of the plan' })
      .option('drift', { type: 'boolean', default: false, describe: 'A drift report: Markdown sections say what was changed by hand (for a scheduled check)' })
      .option('out', { type: 'string', describe: 'Also save the plan to FILE, for `rdhooks apply --plan FILE`' })
      .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 0 when nothing would change, 2 when something would, 1 on error' })
      .epilogue(
        `Reads: ${CONNECTION_READS}; GITHUB_STEP_SUMMARY, NO_COLOR, FORCE_COLOR. ` +
          'Exit codes: 0 success (with --detailed-exitcode: nothing to change and no findings), 1 error, 2 changes or findings (with --detailed-exitcode).',
      )
      .example('rdhooks plan --emulator', 'Plan ./webhooks.yaml against the local emulator')
      .example('rdhooks plan --out plan.json --detailed-exitcode', 'Save the plan for apply --plan; exit 2 if it has changes')
      .example('rdhooks plan --account acme', 'Plan one account of ./rdhooks.workspace.yaml'),

  parse: (argv: ParsedArgs, io: Io): PlanOptions => {
    const out = stringFlag(argv, 'out');
    const manifest = stringFlag(argv, 'manifest');
    const summaryFile = parseSummaryTarget(argv, io.env);
    return {
      ...(manifest !== undefined ? { manifest } : {}),
      workspace: parseWorkspaceArgs(argv),
      format: choiceFlag(argv, 'format', FORMATS, 'text'),
      ...(out !== undefined ? { out } : {}),
      detailedExitcode: booleanFlag(argv, 'detailed-exitcode'),
      drift: booleanFlag(argv, 'drift'),
      planning: parsePlanningArgs(argv),
      ...(summaryFile !== undefined ? { summaryFile } : {}),
      display: parseDisplayArgs(argv),
      connection: parseConnectionArgs(argv, io.env),
    };
  },

  async run(o: PlanOptions, io: Io): Promise<number> {
    const workspace = await chooseWorkspace(o.manifest, o.workspace, io);
    if (workspace !== undefined) return planWorkspace(workspace, o, io);
    const { plan: made } = await withManifestAndAccount(o.manifest ?? DEFAULTS.manifest, o.connection, io, o.display, (loaded) => planOrExplain(loaded, io, o.display, o.planning));
    io.stdout.write(await renderPlanAs(made, o.format, { ...o.display, drift: o.drift }, io));
    if (o.out !== undefined) {
      const { writeSavedPlan } = await import('../../reconcile/saved-plan.js');
      await writeSavedPlan(o.out, made, io.cwd);
      io.stderr.write(`Saved the plan to ${o.out}; apply it with: rdhooks apply --plan ${o.out}\n`);
    }
    await appendSummary(o.summaryFile, io, () => renderPlanAs(made, 'markdown', { ...o.display, drift: o.drift }, io));
    // Findings (a suspended webhook, a failing target) keep an account from being clean even with nothing to write.
    return o.detailedExitcode && (made.changes.length > 0 || made.findings.length > 0) ? 2 : 0;
  },
};

/** Plans every selected account of the workspace at once: one output, one saved document, one exit code. */
async function planWorkspace(file: string, o: PlanOptions, io: Io): Promise<number> {
  const opened = await openWorkspace(file, o.workspace.accounts, io, o.display);
  const { entries } = await withAccountConnections(opened, o.connection, io, (connections) =>
    planAccounts(opened, connections, { planning: o.planning, parallel: o.workspace.parallel, display: o.display }, io),
  );
  const render = await import('../../render/workspace.js');
  const display = { ...o.display, drift: o.drift };
  io.stdout.write(await renderWorkspaceAs(entries, o.format, display, io));
  if (o.out !== undefined) {
    const { writeWorkspacePlan } = await import('../../workspace/plan-file.js');
    await writeWorkspacePlan(o.out, entries, io.cwd);
    io.stderr.write(`Saved the plans to ${o.out}; apply them with: rdhooks apply --workspace ${file} --plan ${o.out}\n`);
  }
  await appendSummary(o.summaryFile, io, () => renderWorkspaceAs(entries, 'markdown', display, io));
  const status = render.workspaceStatus(entries);
  return status === 'failed' ? EXIT.error : status === 'changes' && o.detailedExitcode ? 2 : EXIT.ok;
}

export default plan;
