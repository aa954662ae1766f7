/** A problem found at a path in the manifest's data, before it is given a file position. */
import { escapeControl } from '../shared/text.js';
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

/** A path as users write it: `webhooks[2].url`; the root is `the manifest`. */
export function showPath(path: Path): string {
  if (path.length === 0) return 'the manifest';
  let out = '';
  // Keys are user text too: escaped, so a key cannot carry a terminal escape into a message.
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? escapeControl(seg) : `.${escapeControl(seg)}`;
  return out;
}
