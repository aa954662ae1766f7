/**
 * Renderers of diagnostics: text with a code frame, JSON, GitHub workflow commands. Pure. Every one masks URL
 * credentials (user info, query values) in messages and code frames unless told `showSensitive`.
 */
import { escapeControl, escapeUnsafeJson, frameSafe } from '../shared/text.js';
import { maskUrlsIn } from '../shared/url.js';
import { count } from '../shared/wording.js';
import type { Diagnostic, Manifest } from './types.js';

/** Styles the text renderer asks for; the CLI's painter (util.styleText or identity) fits. */
export type Style = 'red' | 'yellow' | 'bold' | 'dim' | 'cyan';

/** Options every formatter takes. */
export interface FormatOptions {
  /** Show URL credentials (user info, query values) as written; by default they are masked (`--show-sensitive`). */
  showSensitive?: boolean;
}

/** Options of `formatText`. */
export interface TextOptions extends FormatOptions {
  /** The manifest's text, for code frames; without it only the message lines are printed. */
  source?: string;
  paint?: (style: Style, text: string) => string;
}

/** A message as it may be shown: URL credentials masked unless `showSensitive`. */
function shown(message: string, options: FormatOptions): string {
  return options.showSensitive ? message : maskUrlsIn(message);
}

/** Each diagnostic as `FILE:LINE:COL: severity: message`, followed by the line before, the line, and a caret. */
export function formatText(diagnostics: readonly Diagnostic[], options: TextOptions = {}): string {
  const paint = options.paint ?? ((_s: Style, t: string) => t);
  // In a code frame a secret becomes one * per character, so the caret below the line stays where it was.
  const frameLine = options.showSensitive ? (line: string) => line : (line: string) => maskUrlsIn(line, (secret) => '*'.repeat(secret.length));
  const lines = options.source?.split(/\r?\n/);
  return diagnostics
    .map((d) => {
      const severity = paint(d.severity === 'error' ? 'red' : 'yellow', d.severity);
      const head = `${paint('bold', `${escapeControl(d.file)}:${d.line}:${d.column}`)}: ${severity}: ${shown(d.message, options)}\n`;
      return head + (lines ? codeFrame(lines, d, paint, frameLine) : '');
    })
    .join('');
}

/** Characters of a source line a code frame shows; longer lines are cut to a window around the column. */
const FRAME_WIDTH = 160;

function codeFrame(
  lines: string[],
  d: Diagnostic,
  paint: (s: Style, t: string) => string,
  frameLine: (line: string) => string,
): string {
  const raw = lines[d.line - 1];
  if (raw === undefined) return '';
  const line = frameLine(raw);
  // A megabyte-long line printed once per diagnostic on it would flood the terminal (and overflow a string).
  const start = line.length > FRAME_WIDTH ? Math.max(0, Math.min(d.column - 1 - FRAME_WIDTH / 4, line.length - FRAME_WIDTH)) : 0;
  const clip = (text: string): string =>
    text.length <= FRAME_WIDTH && start === 0
      ? frameSafe(text)
      : `${start > 0 ? '…' : ''}${frameSafe(text.slice(start, start + FRAME_WIDTH))}${text.length > start + FRAME_WIDTH ? '…' : ''}`;
  const width = String(d.line).length;
  const gutter = (n: number | '') => paint('dim', `${String(n).padStart(width)} |`);
  let out = '';
  const before = lines[d.line - 2];
  if (before !== undefined && before.trim() !== '') out += `  ${gutter(d.line - 1)} ${clip(frameLine(before))}\n`;
  out += `${paint(d.severity === 'error' ? 'red' : 'yellow', '>')} ${gutter(d.line)} ${clip(line)}\n`;
  const column = d.column - start + (start > 0 ? 1 : 0);
  const available = Math.max(1, Math.min(line.length, start + FRAME_WIDTH) - (d.column - 1));
  const caret = '^'.repeat(Math.max(1, Math.min(d.length ?? 1, available)));
  out += `  ${gutter('')} ${' '.repeat(Math.max(0, column - 1))}${paint(d.severity === 'error' ? 'red' : 'yellow', caret)}\n`;
  return `${out}\n`;
}

/** The last line of `rdhooks validate`: `FILE: valid (4 webhooks, 1 warning)` or `FILE: 2 errors, 1 warning`. */
export function formatSummary(file: string, diagnostics: readonly Diagnostic[], manifest?: Manifest): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const name = escapeControl(file);
  if (errors > 0 || !manifest) {
    return `${name}: ${[count(errors, 'error'), ...(warnings ? [count(warnings, 'warning')] : [])].join(', ')}\n`;
  }
  const parts = [count(manifest.webhooks.length, 'webhook')];
  if (manifest.absent.length) parts.push(`${manifest.absent.length} absent`);
  if (warnings) parts.push(count(warnings, 'warning'));
  return `${name}: valid (${parts.join(', ')})\n`;
}

/** One element of `rdhooks validate --format json`'s array; lines and columns are 1-based. */
export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  /** Stable, e.g. `duplicate-url`; see the README's list of diagnostic codes. */
  code: string;
  message: string;
}

/** The diagnostics as a JSON array of `JsonDiagnostic` (an empty array when there are none), newline-terminated. */
export function formatJson(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  const out: JsonDiagnostic[] = diagnostics.map((d) => ({
    file: d.file,
    line: d.line,
    column: d.column,
    severity: d.severity,
    code: d.code,
    message: shown(d.message, options),
  }));
  // Exact data, but DEL, C1 and bidi controls (which JSON.stringify leaves raw) as \u escapes, inert on a terminal.
  return `${escapeUnsafeJson(JSON.stringify(out, null, 2))}\n`;
}

/** GitHub Actions workflow commands, so each problem shows inline on a pull request's diff. */
export function formatGithub(diagnostics: readonly Diagnostic[], options: FormatOptions = {}): string {
  return diagnostics
    .map((d) => {
      const props = `file=${property(escapeControl(d.file))},line=${d.line},col=${d.column},title=${property(`rdhooks ${d.code}`)}`;
      return `::${d.severity} ${props}::${data(shown(d.message, options))}\n`;
    })
    .join('');
}

// Escaping as in @actions/core's command.ts: the message, then the properties, which also escape ":" and ",".
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
