/** A problem found at a path in the manifest's data, before it is given a file position. */
import { escapeControl } from '../shared/text.js';
import { quote } from './quote.js';
import type { SourcePosition } from './types.js';

/** A path into the manifest's data: keys of mappings and indexes of sequences. */
export type Path = readonly (string | number)[];

/** A problem at `path`; `at: 'key'` points at the key itself (unknown keys), else at the value. */
export interface Issue {
  path: Path;
  at?: 'key' | 'value';
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

/** Where a path is in the file; `length` is how many columns to underline. */
export type Locate = (path: Path, at?: 'key' | 'value') => SourcePosition & { length?: number };

/** An error issue. */
export function error(path: Path, code: string, message: string, at?: 'key' | 'value'): Issue {
  return at ? { path, at, severity: 'error', code, message } : { path, severity: 'error', code, message };
}

/** A warning issue. */
export function warning(path: Path, code: string, message: string, at?: 'key' | 'value'): Issue {
  return at ? { path, at, severity: 'warning', code, message } : { path, severity: 'warning', code, message };
}

/**
 * A path as users write it: `webhooks[2].url`, and `webhooks[2] ("crm-lead-sync").url` when `data` (the
 * manifest's data) gives that entry a name; the root is `the manifest`.
 */
export function showPath(path: Path, data?: unknown): string {
  if (path.length === 0) return 'the manifest';
  let out = '';
  // Keys are user text too: escaped, so a key cannot carry a terminal escape into a message.
  path.forEach((seg, i) => {
    out += typeof seg === 'number' ? `[${seg}]` : out === '' ? escapeControl(seg) : `.${escapeControl(seg)}`;
    if (i === 1 && path[0] === 'webhooks' && typeof seg === 'number') out += nameOf(data, seg);
  });
  return out;
}

/** ` ("name")` when entry `index` of `data`'s webhooks has a name, else nothing. */
function nameOf(data: unknown, index: number): string {
  const entries = isRecord(data) && Array.isArray(data.webhooks) ? (data.webhooks as unknown[]) : [];
  const entry = entries[index];
  const name = isRecord(entry) ? entry.name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? ` (${quote(name.trim(), 40)})` : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The message of `issue`, naming the entry it is in when that entry has a name and the message does not already
 * show it: `webhooks[9] ("crm-lead-sync"): url "…" uses plain http; …`.
 */
export function namedMessage(issue: Pick<Issue, 'path' | 'message'>, data: unknown): string {
  const [list, index] = issue.path;
  if (list !== 'webhooks' || typeof index !== 'number' || nameOf(data, index) === '') return issue.message;
  const entry = showPath([list, index], data);
  return issue.message.includes(entry) ? issue.message : `${entry}: ${issue.message}`;
}
