/** Safe echoing of user text in messages: quoted, control characters escaped, long values cut. */

// C0, DEL and C1 controls: echoed raw, they could move the cursor or recolour a terminal. Bidi controls and
// marks: raw, they reorder the text around them, so a message could show another value than the one it names.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with control characters replaced by `\uXXXX` escapes. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `value` as a double-quoted, terminal-safe string of at most `max` characters. */
export function quote(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const safe = stripControl(text).replace(/"/g, '\\"');
  return `"${safe.length > max ? `${safe.slice(0, max - 1)}…` : safe}"`;
}
