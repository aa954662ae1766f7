/** The apply report: what each action did, and the closing line. Pure. */
import { succeeded, type ActionOutcome, type ActionReport, type ApplyReport } from '../apply/execute.js';
import type { Verification } from '../apply/verify.js';
import type { Change } from '../plan/types.js';
import { TARGET_URL_REJECTED, TOKEN_OR_TARGET_REJECTED } from '../rdstation/errors.js';
import { redactor, type RenderOptions } from './redactor.js';


const OUTCOME_LABEL: Record<ActionOutcome, string> = {
  done: 'done',
  adopted: 'adopted: it exists already with these fields',
  already_gone: 'already gone',
  failed: 'FAILED',
  skipped: 'skipped',
  not_started: 'not started',
};

const PAST: Record<Change['action'], string> = { create: 'created', update: 'updated', delete: 'deleted', replace: 'replaced' };

/** How an action's line starts: what happened to the webhook. */
function lead(a: ActionReport): string {
  if (succeeded(a.outcome)) return PAST[a.action];
  return a.outcome === 'failed' ? `failed to ${a.action}` : `${OUTCOME_LABEL[a.outcome]}:`;
}

/**
 * One line per action: what happened, to which entry, the webhook written (uuid and the URL it had, and where an
 * update moved it), then timing and, unless `withoutMessage` (progress, where the report says why), the reason.
 */
export function actionLine(a: ActionReport, options: RenderOptions & { withoutMessage?: boolean } = {}): string {
  const r = redactor(options);
  const uuid = a.uuid ? ` ${r.text(a.uuid)}` : '';
  const url = ` ${r.url(a.url)}${a.newUrl !== undefined ? ` -> ${r.url(a.newUrl)}` : ''}`;
  const replaced = a.replacedUuid !== undefined ? ` (was ${r.text(a.replacedUuid)}; rdhooks pin updates a pinned uuid)` : '';
  const note = a.outcome === 'adopted' || a.outcome === 'already_gone' ? ` (${OUTCOME_LABEL[a.outcome]})` : '';
  const timing = a.attempts > 0 ? ` in ${(a.durationMs / 1000).toFixed(2)}s${a.attempts > 1 ? `, ${a.attempts} attempts` : ''}` : '';
  const message = a.message && !options.withoutMessage ? `: ${r.text(a.message)}` : '';
  return `${lead(a)} ${r.text(a.address)}${uuid}${url}${replaced}${note}${timing}${message}`;
}

/** What to do after a run that did not converge, fitting why. */
function advice(report: ApplyReport): string {
  if (report.interrupted) return 'Run rdhooks plan to see what remains, then apply again.';
  if (report.actions.some((a) => a.code === TARGET_URL_REJECTED || a.code === TOKEN_OR_TARGET_REJECTED)) {
    return 'Make each target named above answer 2xx to a JSON POST over https (rdhooks plan --check-targets probes them), then apply again.';
  }
  return 'Run rdhooks apply again.';
}

/** The counts of what took effect, per action. */
export function appliedCounts(report: ApplyReport): Record<Change['action'], number> {
  const counts = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const a of report.actions) if (succeeded(a.outcome)) counts[a.action]++;
  return counts;
}

/** The closing line: counts, then whether the account now matches. */
export function closingLine(report: ApplyReport, verification: Verification, options: RenderOptions = {}): string {
  const r = redactor(options);
  const c = appliedCounts(report);
  const failed = report.actions.filter((a) => a.outcome === 'failed').length;
  const notDone = report.actions.filter((a) => a.outcome === 'skipped' || a.outcome === 'not_started').length;
  const head = report.interrupted ? 'Apply interrupted' : failed > 0 ? 'Apply failed' : 'Apply complete';
  const extra = [failed > 0 ? `${failed} failed` : '', notDone > 0 ? `${notDone} not done` : ''].filter(Boolean).join(', ');
  const counts = `${c.create} created, ${c.update} updated, ${c.delete} deleted${c.replace > 0 ? `, ${c.replace} replaced` : ''}${extra ? `, ${extra}` : ''}.`;
  let tail: string;
  if (verification.verified === true) tail = `Verified: the account matches the ${verification.against}.`;
  else if (verification.verified === false) {
    const list = verification.remaining.map((x) => `${x.action} ${r.text(x.address)}`).join(', ');
    tail = `Not verified: the account still differs (${list}). ${advice(report)}`;
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
  const r = redactor(options);
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
