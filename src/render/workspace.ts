/**
 * Plans of several accounts (a workspace run): text grouped by account, Markdown with one summary table and a
 * section per account, and the versioned JSON document holding each account's plan. Pure.
 */
import { styleText } from 'node:util';
import type { ApplyReport } from '../apply/execute.js';
import type { Verification } from '../apply/verify.js';
import { PLAN_FORMAT_VERSION, type Plan } from '../plan/types.js';
import { escapeUnsafeJson } from '../shared/text.js';
import { maskUrlsIn } from '../shared/url.js';
import { count } from '../shared/wording.js';
import { planDocument } from './json.js';
import { code, html, MARKDOWN_MAX_LENGTH, plain, renderMarkdown, type MarkdownOptions } from './markdown.js';
import { redactor, type Redactor, type RenderOptions } from './redactor.js';
import { renderReportMarkdown, renderReportText } from './report.js';
import { renderText, type TextOptions } from './text.js';
import { summaryLine } from './view.js';

/** One account of a workspace run: its plan, or why it has none (an error message, its hint on the lines after). */
export type AccountPlan = { name: string; account: string } & ({ plan: Plan; error?: undefined } | { plan?: undefined; error: string });

/** How a workspace run ended, for its exit code: any account failed, else any has changes or findings, else clean. */
export type WorkspaceStatus = 'failed' | 'changes' | 'clean';

/** The status of a run over `entries`. */
export function workspaceStatus(entries: readonly AccountPlan[]): WorkspaceStatus {
  if (entries.some((e) => e.plan === undefined)) return 'failed';
  return entries.some((e) => e.plan !== undefined && !isClean(e.plan)) ? 'changes' : 'clean';
}

function isClean(plan: Plan): boolean {
  return plan.changes.length === 0 && plan.findings.length === 0;
}

/** The last line of a run: how many accounts, and how they ended. */
export function workspaceSummary(entries: readonly AccountPlan[]): string {
  const failed = entries.filter((e) => e.plan === undefined).length;
  const changes = entries.filter((e) => e.plan !== undefined && e.plan.changes.length > 0).length;
  const findings = entries.filter((e) => e.plan !== undefined && e.plan.changes.length === 0 && e.plan.findings.length > 0).length;
  const clean = entries.length - failed - changes - findings;
  const parts = [
    changes > 0 ? `${changes} with changes` : '',
    findings > 0 ? `${findings} with findings only` : '',
    clean > 0 ? `${clean} without changes` : '',
    failed > 0 ? `${failed} failed` : '',
  ].filter(Boolean);
  return `${count(entries.length, 'account')}: ${parts.join(', ')}.`;
}

/** The header of an account's part: its name in the workspace and the RD Station account it is. */
function accountTitle(entry: AccountPlan, r: Redactor): string {
  return `${r.text(entry.name)}: RD Station account ${JSON.stringify(r.text(entry.plan?.remote.account ?? entry.account))}`;
}

/** An error's lines, stripped and masked one by one (its line breaks are its structure: message, then hint). */
function errorLines(error: string, r: Redactor): string[] {
  return error.split('\n').map((line) => r.text(line));
}

/** Each account in turn (a header line, then its plan as renderText prints it, or its error), then the summary line. */
export function renderWorkspaceText(entries: readonly AccountPlan[], options: TextOptions = {}): string {
  const r = redactor(options);
  const paint = (style: Parameters<typeof styleText>[0], text: string): string => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const blocks = entries.map((entry) => {
    const head = `${paint('bold', `=== ${accountTitle(entry, r)} ===`)}\n\n`;
    if (entry.plan !== undefined) return head + renderText(entry.plan, options);
    const [first = '', ...rest] = errorLines(entry.error, r);
    return `${head}${paint('red', `error: ${first}`)}\n${rest.map((line) => `  ${line}\n`).join('')}`;
  });
  return `${blocks.join('\n')}\n${paint('bold', `Workspace: ${workspaceSummary(entries)}`)}\n`;
}

/** The version of the workspace JSON document: the plan format's, since it holds plans. */
export const WORKSPACE_FORMAT_VERSION = PLAN_FORMAT_VERSION;

/** The workspace JSON document (schemas/workspace-plan.schema.json): each account's plan or error. */
export interface WorkspacePlanDocument {
  format_version: typeof WORKSPACE_FORMAT_VERSION;
  kind: 'workspace';
  accounts: { name: string; plan: Plan | null; error: string | null }[];
}

/** The workspace document: each plan exactly as renderJson makes it, each error masked as plans' text is. */
export function workspacePlanDocument(entries: readonly AccountPlan[], options: RenderOptions = {}): WorkspacePlanDocument {
  const text = (v: string): string => (options.showSensitive ? v : maskUrlsIn(v));
  return {
    format_version: WORKSPACE_FORMAT_VERSION,
    kind: 'workspace',
    accounts: entries.map((e) => ({ name: e.name, plan: e.plan === undefined ? null : planDocument(e.plan, options), error: e.error === undefined ? null : text(e.error) })),
  };
}

/** The workspace document as pretty JSON with a final newline, control characters as \u escapes (renderJson's way). */
export function renderWorkspaceJson(entries: readonly AccountPlan[], options: RenderOptions = {}): string {
  return `${escapeUnsafeJson(JSON.stringify(workspacePlanDocument(entries, options), null, 2))}\n`;
}

// In the summary table, so that rows stay short and the table fits whatever the accounts are called.
const MAX_CELL = 80;
// The room a section keeps for its plan's head; a smaller section is left out rather than cut to nothing.
const MIN_SECTION = 2_000;
// Room kept for the closing note.
const NOTE_ROOM = 400;
// An error shown in full in its section, up to this.
const MAX_ERROR = 4_000;

/**
 * The plans as GitHub-flavoured Markdown within `maxLength` (GitHub's comment limit by default): a heading, the
 * summary table (account, create, update, delete, replace, unsafe, findings, error), then a collapsed section per
 * account holding its Markdown plan or its error. When they do not all fit, sections are shortened (each plan's
 * renderer leaves changes out, with its note) and then left out, accounts without changes or errors first, and a
 * closing note says so; the table is never cut unless it alone is over the limit.
 */
export function renderWorkspaceMarkdown(entries: readonly AccountPlan[], options: MarkdownOptions = {}): string {
  const r = redactor(options);
  const max = options.maxLength ?? MARKDOWN_MAX_LENGTH;
  const head = headOf(entries, r, options, max);
  const sections = entries.map((entry, index) => ({ entry, index, full: section(entry, r, options, MARKDOWN_MAX_LENGTH) }));
  const total = sections.reduce((n, s) => n + s.full.length, 0);
  if (head.text.length + total <= max && head.left === 0) return head.text + sections.map((s) => s.full).join('');

  // Water-filling: the sections kept share the room; one smaller than its share keeps all of it, the rest split what is left.
  const budget = max - head.text.length - NOTE_ROOM;
  const byPriority = [...sections].sort((a, b) => Number(notable(b.entry)) - Number(notable(a.entry)) || a.index - b.index);
  const kept: typeof sections = [];
  let floor = 0;
  for (const s of byPriority) {
    const need = Math.min(s.full.length, MIN_SECTION);
    if (floor + need > budget) break;
    kept.push(s);
    floor += need;
  }
  const shown = new Map<number, string>();
  let room = budget;
  const bySize = [...kept].sort((a, b) => a.full.length - b.full.length);
  bySize.forEach((s, i) => {
    const share = Math.floor(room / (bySize.length - i));
    const text = s.full.length <= share ? s.full : section(s.entry, r, options, share);
    if (text.length > share || !balanced(text)) return;
    shown.set(s.index, text);
    room -= text.length;
  });
  const shortened = [...shown].filter(([i, text]) => text !== sections[i]?.full).length;
  const omitted = entries.length - shown.size;
  const body = sections.flatMap((s) => shown.get(s.index) ?? []).join('');
  const what = [
    ...(omitted > 0 ? [omitted === 1 ? "1 account's section left out" : `${omitted} accounts' sections left out`] : []),
    ...(shortened > 0 ? [`${shortened} shortened`] : []),
    ...(head.left > 0 ? [`${count(head.left, 'account')} left out of the table`] : []),
  ];
  const note =
    what.length === 0
      ? ''
      : `> [!NOTE]\n> ${what.join(', ')} to stay under ${max} characters; the table counts every change. ` +
        'Run `rdhooks plan --workspace` for every plan in full, or `--format json` for all of them as data.\n';
  return head.text + body + note;
}

/** The heading, the summary line and the table; rows past the limit are counted, only if the table alone is over it. */
function headOf(entries: readonly AccountPlan[], r: Redactor, options: MarkdownOptions, max: number): { text: string; left: number } {
  const title = `${options.drift ? '### rdhooks drift check' : '### rdhooks plan'}: ${count(entries.length, 'account')}`;
  const top = [title, '', `**${plain(workspaceSummary(entries))}**`, '', '| account | create | update | delete | replace | unsafe | findings | error |', '|---|---:|---:|---:|---:|:---:|---:|---|', ''].join('\n');
  let text = top;
  let shown = 0;
  for (const entry of entries) {
    const line = `${row(entry, r)}\n`;
    if (text.length + line.length + NOTE_ROOM > max) break;
    text += line;
    shown += 1;
  }
  return { text: `${text}\n`, left: entries.length - shown };
}

function row(entry: AccountPlan, r: Redactor): string {
  const name = `${code(cell(r.text(entry.name)))} (${plain(cell(r.text(entry.plan?.remote.account ?? entry.account)))})`;
  if (entry.plan === undefined) return `| ${name} | | | | | | | ${plain(cell(errorLines(entry.error, r)[0] ?? ''))} |`;
  const { summary, unsafe } = entry.plan;
  return `| ${name} | ${summary.create} | ${summary.update} | ${summary.delete} | ${summary.replace} | ${unsafe && unsafe.length > 0 ? '**yes**' : ''} | ${summary.findings} | |`;
}

/** A table cell's text: clipped, and without backticks, which would make code spans of the row's pipes. */
function cell(text: string): string {
  const flat = text.replace(/`/g, "'");
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

/** An account's collapsed section, at most `room` characters when it can be (its plan's renderer cuts to fit). */
function section(entry: AccountPlan, r: Redactor, options: MarkdownOptions, room: number): string {
  const status = entry.plan === undefined ? 'failed' : summaryLine(entry.plan);
  const open = `<details><summary><b>${html(r.text(entry.name))}</b> (${html(r.text(entry.plan?.remote.account ?? entry.account))}): ${html(status)}</summary>\n\n`;
  const close = '\n</details>\n\n';
  const inner = room - open.length - close.length;
  if (entry.plan !== undefined) return open + renderMarkdown(entry.plan, { ...options, maxLength: Math.max(inner, 0) }) + close;
  const error = errorLines(entry.error, r).join('\n');
  // The fence takes a few characters of the room too.
  const limit = Math.max(0, Math.min(MAX_ERROR, inner - 20));
  return open + fenced(error.length > limit ? `${error.slice(0, limit)}…` : error) + close;
}

/** Text in a fenced block no run of backticks inside it can close. */
function fenced(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}\n`;
}

/** Whether a section would catch the reader's eye: an error, changes, findings or an unsafe plan. */
function notable(entry: AccountPlan): boolean {
  return entry.plan === undefined || !isClean(entry.plan) || (entry.plan.unsafe?.length ?? 0) > 0;
}

/** A cut section must not leave a fence or a details block open, which would swallow every section after it. */
function balanced(text: string): boolean {
  const fences = text.split('\n').filter((line) => /^`{3,}/.test(line)).length;
  return fences % 2 === 0 && text.split('<details>').length === text.split('</details>').length;
}

/** How applying an account ended: its report, why nothing (more) was done, or nothing to do. */
export type AppliedResult = { report: ApplyReport; verification: Verification; error?: undefined } | { report?: undefined; error: string } | { report?: undefined; error?: undefined };

/** How applying one account of a workspace ended. */
export type AccountApplied = { name: string; account: string } & AppliedResult;

/** Whether an account's apply failed: an error, a write that failed or was skipped, or a verification that did not pass. */
export function appliedFailed(entry: AccountApplied): boolean {
  if (entry.error !== undefined) return true;
  if (entry.report === undefined) return false;
  return entry.report.actions.some((a) => a.outcome === 'failed' || a.outcome === 'skipped') || entry.verification.verified !== true;
}

/** The last line of a workspace apply: how many accounts were applied, had nothing to do, and failed. */
function appliedSummary(entries: readonly AccountApplied[]): string {
  const failed = entries.filter(appliedFailed).length;
  const applied = entries.filter((e) => e.report !== undefined && !appliedFailed(e)).length;
  const idle = entries.length - failed - applied;
  const parts = [applied > 0 ? `${applied} applied` : '', idle > 0 ? `${idle} without changes` : '', failed > 0 ? `${failed} failed` : ''].filter(Boolean);
  return `${count(entries.length, 'account')}: ${parts.join(', ')}.`;
}

/** Each account's apply report under its header (or its error, or that it had nothing to do), then the summary line. */
export function renderAppliedText(entries: readonly AccountApplied[], options: TextOptions = {}): string {
  const r = redactor(options);
  const paint = (style: Parameters<typeof styleText>[0], text: string): string => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const blocks = entries.map((entry) => {
    const head = `${paint('bold', `=== ${r.text(entry.name)}: RD Station account ${JSON.stringify(r.text(entry.account))} ===`)}\n`;
    if (entry.report !== undefined) return head + renderReportText(entry.report, entry.verification, options);
    if (entry.error === undefined) return `${head}No changes.\n`;
    const [first = '', ...rest] = errorLines(entry.error, r);
    return `${head}${paint('red', `error: ${first}`)}\n${rest.map((line) => `  ${line}\n`).join('')}`;
  });
  return `\n${blocks.join('\n')}\n${paint('bold', `Applied: ${appliedSummary(entries)}`)}\n`;
}

/** The apply reports as Markdown, for the job summary: a heading per account, its report or its error. */
export function renderAppliedMarkdown(entries: readonly AccountApplied[], options: RenderOptions = {}): string {
  const r = redactor(options);
  const blocks = entries.map((entry) => {
    const head = `#### ${html(r.text(entry.name))} (${html(r.text(entry.account))})\n\n`;
    if (entry.report !== undefined) return head + renderReportMarkdown(entry.report, entry.verification, options);
    return head + (entry.error === undefined ? 'No changes.\n' : fenced(errorLines(entry.error, r).join('\n')));
  });
  return `### rdhooks apply: ${plain(appliedSummary(entries))}\n\n${blocks.join('\n')}`;
}
