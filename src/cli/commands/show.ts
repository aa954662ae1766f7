/** `rdhooks show FILE`: a saved (or printed) JSON plan, rendered as `plan` would have shown it; no network. */
import type { Argv } from 'yargs';
import { UsageError, type CommandModule, type ParsedArgs } from '../command.js';
import { parseDisplayArgs, renderPlanAs, sensitiveFlag, type Display, type PlanFormat } from '../display.js';
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
      .epilogue('Reads nothing but FILE: no credentials, no network. Exit codes: 0 shown, 1 unreadable plan, 2 changes (with --detailed-exitcode).')
      .example('rdhooks show plan.json', 'Review a saved plan before rdhooks apply --plan plan.json')
      .example('rdhooks show plan.json --format markdown', 'The same plan, for a comment'),

  parse(argv: ParsedArgs): ShowOptions {
    const file = stringFlag(argv, 'file');
    if (file === undefined) throw new UsageError('rdhooks show needs the plan file: rdhooks show FILE.');
    return { file, format: choiceFlag(argv, 'format', FORMATS, 'text'), detailedExitcode: booleanFlag(argv, 'detailed-exitcode'), display: parseDisplayArgs(argv) };
  },

  async run(o: ShowOptions, io: Io): Promise<number> {
    const { readPlanFile } = await import('../../reconcile/saved-plan.js');
    const plan = await readPlanFile(o.file, io.cwd);
    io.stdout.write(await renderPlanAs(plan, o.format, o.display, io));
    return o.detailedExitcode && (plan.changes.length > 0 || plan.findings.length > 0) ? 2 : 0;
  },
};

export default show;
