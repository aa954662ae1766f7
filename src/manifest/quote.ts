/** Safe echoing of user text in messages: quoted, control characters escaped, long values cut. */
import { escapeControl } from '../shared/text.js';

/** `value` as a double-quoted, terminal-safe string of at most `max` characters. */
export function quote(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const safe = escapeControl(text).replace(/"/g, '\\"');
  return `"${safe.length > max ? `${safe.slice(0, cutAt(safe, max - 1))}…` : safe}"`;
}

/**
 * Where to cut `text` at `at` or before: never inside a URL's user info, since masking finds user info by the "@"
 * after it and would show the cut-off part of a password. Such a cut moves to just after the "://".
 */
function cutAt(text: string, at: number): number {
  const scheme = text.lastIndexOf('://', at);
  if (scheme < 0) return at;
  const start = scheme + 3;
  const length = text.slice(start).search(/[/?#\s"\\]/);
  const userinfoEnd = text.slice(start, length < 0 ? undefined : start + length).lastIndexOf('@');
  return userinfoEnd >= 0 && at > start && at <= start + userinfoEnd ? start : at;
}
