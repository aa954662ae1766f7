/** How a command shows what it made: colour, masking, the plan format, manifest diagnostics, the job summary. */
import type { Argv } from 'yargs';
import type { Diagnostic, Manifest } from '../manifest/types.js';
import type { Plan } from '../plan/types.js';
import type { AccountPlan } from '../render/workspace.js';
import { UserError } from '../shared/errors.js';
import { count } from '../shared/wording.js';
import { writeOutputFile } from '../shared/write-file.js';
import { resolve } from 'node:path';
import type { ParsedArgs } from './command.js';
import { painter, useColor, type Io } from './io.js';
import { booleanFlag, stringFlag } from './options.js';

/** What every command that prints plans or diagnostics takes. */
export interface Display {
  showSensitive: boolean;
  /** --color / --no-color; undefined: decided by FORCE_COLOR, NO_COLOR and the terminal. */
  color: boolean | undefined;
  /** Markdown framed as a drift report. */
  drift?: boolean;
}

/** The plan formats. */
export type PlanFormat = 'text' | 'json' | 'markdown';

/** Adds --show-sensitive. */
export function sensitiveFlag(y: Argv): Argv {
  return y.option('show-sensitive', { type: 'boolean', default: false, describe: 'Show URL credentials (user info, query values) instead of ***' });
}

/** Adds --summary-file. */
export function summaryFlag(y: Argv): Argv {
  return y.option('summary-file', { type: 'string', describe: 'Append the Markdown result to FILE (default: $GITHUB_STEP_SUMMARY when set)' });
}

/** Reads --show-sensitive and the global --color. */
export function parseDisplayArgs(argv: ParsedArgs): Display {
  const color = argv.color;
  return { showSensitive: booleanFlag(argv, 'show-sensitive'), color: typeof color === 'boolean' ? color : undefined };
}

/** The file --summary-file names, else $GITHUB_STEP_SUMMARY, else none. */
export function parseSummaryTarget(argv: ParsedArgs, env: NodeJS.ProcessEnv): string | undefined {
  const flag = stringFlag(argv, 'summary-file');
  if (flag !== undefined) return flag;
  const fromEnv = env.GITHUB_STEP_SUMMARY?.trim();
  return fromEnv ? fromEnv : undefined;
}

/** The plan in `format`, coloured only when text goes to a terminal that wants it. */
export async function renderPlanAs(plan: Plan, format: PlanFormat, display: Display, io: Io): Promise<string> {
  const options = { showSensitive: display.showSensitive };
  switch (format) {
    case 'json':
      return (await import('../render/json.js')).renderJson(plan, options);
    case 'markdown':
      return (await import('../render/markdown.js')).renderMarkdown(plan, { ...options, drift: display.drift === true });
    case 'text':
      return (await import('../render/text.js')).renderText(plan, { ...options, color: useColor(io.stdout, io.env, display.color) });
  }
}

/** A workspace's plans in `format`: text grouped by account, one Markdown comment, or the versioned JSON document. */
export async function renderWorkspaceAs(entries: readonly AccountPlan[], format: PlanFormat, display: Display, io: Io): Promise<string> {
  const render = await import('../render/workspace.js');
  const options = { showSensitive: display.showSensitive };
  switch (format) {
    case 'json':
      return render.renderWorkspaceJson(entries, options);
    case 'markdown':
      return render.renderWorkspaceMarkdown(entries, { ...options, drift: display.drift === true });
    case 'text':
      return render.renderWorkspaceText(entries, { ...options, color: useColor(io.stdout, io.env, display.color) });
  }
}

/** Loads the manifest, printing its warnings and errors to stderr; throws when it has errors. Keeps its text (for pin). */
export async function loadValidManifest(file: string, io: Io, display: Display): Promise<{ manifest: Manifest; text: string }> {
  const { loadManifest } = await import('../manifest/load.js');
  const result = await loadManifest(file, io.env, { cwd: io.cwd });
  const errors = await printDiagnostics(result.diagnostics, result.text, io, display);
  if (!result.manifest || result.text === undefined || errors > 0) {
    throw new UserError(`${file} is not a valid manifest (${count(errors, 'error')} above); nothing was changed.`, 'Fix them and run again.');
  }
  return { manifest: result.manifest, text: result.text };
}

/** Prints diagnostics to stderr, with code frames when the text they point into is given; resolves to how many are errors. */
export async function printDiagnostics(diagnostics: readonly Diagnostic[], text: string | undefined, io: Io, display: Display): Promise<number> {
  if (diagnostics.length > 0) {
    const { formatText } = await import('../manifest/format.js');
    const paint = painter(useColor(io.stderr, io.env, display.color));
    io.stderr.write(formatText(diagnostics, { ...(text !== undefined ? { source: text } : {}), paint, showSensitive: display.showSensitive }));
  }
  return diagnostics.filter((d) => d.severity === 'error').length;
}

/** Appends Markdown to the job summary when there is one; a failure is a warning, not an error. */
export async function appendSummary(target: string | undefined, io: Io, render: () => Promise<string>): Promise<void> {
  if (target === undefined) return;
  try {
    await writeOutputFile(resolve(io.cwd, target), `${await render()}\n`, { shownAs: target, append: true });
  } catch (err) {
    io.stderr.write(`warning: could not append the summary to ${target}: ${(err as Error).message}\n`);
  }
}
