/** Safe echoing of user text in messages: quoted, control characters escaped, long values cut. */
import { escapeControl } from '../shared/text.js';


/** `value` as a double-quoted, terminal-safe string of at most `max` characters. */
export function quote(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const safe = escapeControl(text).replace(/"/g, '\\"');
  return `"${safe.length > max ? `${safe.slice(0, max - 1)}…` : safe}"`;
}
