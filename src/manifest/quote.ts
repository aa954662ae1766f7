/** Safe echoing of user text in messages: quoted, control characters escaped, long values cut. */
import { escapeControl } from '../shared/text.js';

/** How far past the cut `quote` reads, to see where a URL's user info ends. */
const LOOKAHEAD = 1024;

/** `value` as a double-quoted, terminal-safe string of at most `max` characters. */
export function quote(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  // Escaping only lengthens, so a prefix is all that can show: a huge value costs no more than a short one.
  const head = text.slice(0, max + LOOKAHEAD);
  const safe = escapeControl(head).replace(/"/g, '\\"');
  if (head.length === text.length && safe.length <= max) return `"${safe}"`;
  return `"${safe.slice(0, cutAt(safe, max - 1, head.length === text.length))}…"`;
}

/**
 * Where to cut `text` at `at` or before: never inside a URL's user info, since masking finds user info by the "@"
 * after it and would show the cut-off part of a password. Such a cut (or one in an authority whose end `text`, not
 * `complete`, does not show) moves to just after the "://".
 */
function cutAt(text: string, at: number, complete: boolean): number {
  const scheme = text.lastIndexOf('://', at);
  const start = scheme + 3;
  if (scheme < 0 || at <= start) return at;
  const end = text.slice(start).search(/[/?#\s"\\]/);
  const authority = end < 0 ? text.slice(start) : text.slice(start, start + end);
  if (at - start >= authority.length) return at;
  return authority.includes('@', at - start) || (end < 0 && !complete) ? start : at;
}
