/** `rdhooks show FILE`: a saved (or printed) JSON plan, rendered as `plan` would have shown it; no network. */
import type { Argv } from 'yargs';
import { UsageError, type CommandModule, type ParsedArgs } from '../command.js';
import { parseDisplayArgs, renderPlanAs, renderWorkspaceAs, sensitiveFlag, type Display, type PlanFormat } from '../display.js';
import type { Io } from '../io.js';
import { booleanFlag, choiceFlag, stringFlag } from '../options.js';

const FORMATS = ['text', 'json', 'markdown'] as const;

/** Checked options of show. */
export interface ShowOptions {
  file: string;
  format: PlanFormat;
  detailedExitcode: boolean;
  display: Display;
}

const show: CommandModule<ShowOptions> = {
  builder: (y: Argv) =>
    sensitiveFlag(y)
      .positional('file', { type: 'string', describe: 'A plan saved by `rdhooks plan --out FILE` (or printed by --format json)' })
      .option('format', { choices: FORMATS, default: 'text', describe: 'Output format of the plan' })
      .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 0 when the plan has nothing to do, 2 when it has changes or findings' })
      .epilogue('Reads nothing but FILE: no credentials, no network. Exit codes: 0 shown, 1 unreadable plan (or a workspace plan with a failed account), 2 changes (with --detailed-exitcode).')
      .example('rdhooks show plan.json', 'Review a saved plan before rdhooks apply --plan plan.json')
      .example('rdhooks show plan.json --format markdown', 'The same plan, for a comment'),

  parse(argv: ParsedArgs): ShowOptions {
    const file = stringFlag(argv, 'file');
    if (file === undefined) throw new UsageError('rdhooks show needs the plan file: rdhooks show FILE.');
    return { file, format: choiceFlag(argv, 'format', FORMATS, 'text'), detailedExitcode: booleanFlag(argv, 'detailed-exitcode'), display: parseDisplayArgs(argv) };
  },

  async run(o: ShowOptions, io: Io): Promise<number> {
    const planFile = await import('../../workspace/plan-file.js');
    if (await planFile.isWorkspacePlanFile(o.file, io.cwd)) return showWorkspace(o, io);
    const { readPlanFile } = await import('../../reconcile/saved-plan.js');
    const plan = await readPlanFile(o.file, io.cwd);
    io.stdout.write(await renderPlanAs(plan, o.format, o.display, io));
    return o.detailedExitcode && (plan.changes.length > 0 || plan.findings.length > 0) ? 2 : 0;
  },
};

/** A workspace plan, as `plan --workspace` showed it; exit 1 when an account failed to plan. */
async function showWorkspace(o: ShowOptions, io: Io): Promise<number> {
  const [{ readWorkspacePlan }, { workspaceStatus }] = await Promise.all([import('../../workspace/plan-file.js'), import('../../render/workspace.js')]);
  const doc = await readWorkspacePlan(o.file, io.cwd);
  // A failed account's plan is null: the document keeps its error, not the account it expected.
  const entries = doc.accounts.map((a) => (a.plan ? { name: a.name, account: a.plan.remote.account, plan: a.plan } : { name: a.name, account: '(no plan)', error: a.error ?? 'no plan' }));
  io.stdout.write(await renderWorkspaceAs(entries, o.format, o.display, io));
  const status = workspaceStatus(entries);
  return status === 'failed' ? 1 : status === 'changes' && o.detailedExitcode ? 2 : 0;
}

export default show;
