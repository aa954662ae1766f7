/** The apply report: what each action did, and the closing line. Pure. */
import { succeeded, type ActionOutcome, type ActionReport, type ApplyReport } from '../apply/execute.js';
import type { Change } from '../plan/types.js';
import { printable, type RenderOptions } from './redactor.js';

/** Whether the account was listed again after the run and matched what was asked. */
export type Verification = { verified: true; against: 'manifest' | 'saved plan' } | { verified: false; remaining: Pick<Change, 'action' | 'address'>[] } | { verified: 'skipped'; reason: string };

const OUTCOME_LABEL: Record<ActionOutcome, string> = {
  done: 'done',
  adopted: 'adopted after a lost answer',
  already_gone: 'already gone',
  failed: 'FAILED',
  skipped: 'skipped',
  not_started: 'not started',
};

const PAST: Record<Change['action'], string> = { create: 'created', update: 'updated', delete: 'deleted' };

/** How an action's line starts: what happened to the webhook. */
function lead(a: ActionReport): string {
  if (succeeded(a.outcome)) return PAST[a.action];
  return a.outcome === 'failed' ? `failed to ${a.action}` : `${OUTCOME_LABEL[a.outcome]}:`;
}

/** One line per action as it finishes: for logs and non-TTY progress. */
export function actionLine(a: ActionReport, options: RenderOptions = {}): string {
  const r = printable(options);
  const uuid = a.uuid ? ` ${r.text(a.uuid)}` : '';
  const note = a.outcome === 'adopted' || a.outcome === 'already_gone' ? ` (${OUTCOME_LABEL[a.outcome]})` : '';
  const timing = a.attempts > 0 ? ` in ${(a.durationMs / 1000).toFixed(2)}s${a.attempts > 1 ? `, ${a.attempts} attempts` : ''}` : '';
  const message = a.message ? `: ${r.text(a.message)}` : '';
  return `${lead(a)} ${r.text(a.address)}${uuid}${note}${timing}${message}`;
}

/** The counts of what took effect, per action. */
export function appliedCounts(report: ApplyReport): Record<Change['action'], number> {
  const counts = { create: 0, update: 0, delete: 0 };
  for (const a of report.actions) if (succeeded(a.outcome)) counts[a.action]++;
  return counts;
}

/** The closing line: counts, then whether the account now matches. */
export function closingLine(report: ApplyReport, verification: Verification, options: RenderOptions = {}): string {
  const r = printable(options);
  const c = appliedCounts(report);
  const failed = report.actions.filter((a) => a.outcome === 'failed').length;
  const notDone = report.actions.filter((a) => a.outcome === 'skipped' || a.outcome === 'not_started').length;
  const head = report.interrupted ? 'Apply interrupted' : failed > 0 ? 'Apply failed' : 'Apply complete';
  const extra = [failed > 0 ? `${failed} failed` : '', notDone > 0 ? `${notDone} not done` : ''].filter(Boolean).join(', ');
  const counts = `${c.create} created, ${c.update} updated, ${c.delete} deleted${extra ? `, ${extra}` : ''}.`;
  let tail: string;
  if (verification.verified === true) tail = `Verified: the account matches the ${verification.against}.`;
  else if (verification.verified === false) {
    const list = verification.remaining.map((x) => `${x.action} ${r.text(x.address)}`).join(', ');
    tail = `Not verified: the account still differs (${list}). Run rdhooks apply again.`;
  } else tail = `Not verified: ${r.text(verification.reason)}.`;
  return `${head}: ${counts} ${tail}`;
}

/** The whole report as text: one line per action, then the closing line. */
export function renderReportText(report: ApplyReport, verification: Verification, options: RenderOptions = {}): string {
  const lines = report.actions.map((a) => `  ${actionLine(a, options)}`);
  return `${lines.length ? `\n${lines.join('\n')}\n\n` : ''}${closingLine(report, verification, options)}\n`;
}

/** The report as Markdown, for $GITHUB_STEP_SUMMARY. */
export function renderReportMarkdown(report: ApplyReport, verification: Verification, options: RenderOptions = {}): string {
  const r = printable(options);
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/`/g, "'");
  const rows = report.actions.map(
    (a) => `| ${a.action} | \`${cell(r.text(a.address))}\` | ${OUTCOME_LABEL[a.outcome]} | ${(a.durationMs / 1000).toFixed(2)}s | ${a.attempts} | ${cell(a.message ? r.text(a.message) : '')} |`,
  );
  return [
    '### rdhooks apply',
    '',
    `**${cell(closingLine(report, verification, options))}**`,
    '',
    ...(rows.length ? ['| action | address | result | duration | attempts | note |', '|---|---|---|---:|---:|---|', ...rows, ''] : []),
  ].join('\n');
}
