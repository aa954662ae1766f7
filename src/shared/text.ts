/** Making text safe to print: no terminal escapes, no control characters, no bidi tricks. */

// ANSI sequences go first and whole, so their parameters do not survive as stray text: CSI (ESC [ or C1 CSI),
// OSC (ESC ] … BEL or ST), DCS/SOS/PM/APC strings, then any other two-byte escape.
// eslint-disable-next-line no-control-regex
const ANSI = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[ -~]?/g;

// The characters a terminal must not receive raw, as a class body: C0, DEL, C1, and the format characters that
// reorder or hide text (bidi embeddings, overrides, isolates, marks) and the Unicode line separators.
const UNSAFE_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`, 'g');
const HAS_UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`);

/** Whether `text` holds a character a terminal must not receive raw. */
export function hasUnsafe(text: string): boolean {
  return HAS_UNSAFE.test(text);
}

/** The text without ANSI escape sequences, control characters or bidi controls. */
export function stripControl(text: string): string {
  return text.replace(ANSI, '').replace(UNSAFE, '');
}

// What JSON.stringify (and yaml's double quotes) leave raw: the class without C0, which they escape themselves.
const UNSAFE_IN_JSON = new RegExp(`[${UNSAFE_CLASS.replace('\\u0000-\\u001f', '')}]`, 'g');

/**
 * JSON.stringify output (or YAML whose unsafe strings are all double-quoted) with DEL, C1, bidi controls and line
 * separators written as \u escapes (C0 both escape themselves), so the data stays exact while a terminal shows
 * it inertly.
 */
export function escapeUnsafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, unicodeEscape);
}

/** `text` with control and bidi characters written as `\uXXXX`: for echoing what a user typed, visibly. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, unicodeEscape);
}

/** Multi-line text (an error message) stripped line by line: its line breaks stay. */
export function stripControlLines(text: string): string {
  return text.split('\n').map(stripControl).join('\n');
}

/** A source line for a code frame: one character per character, so a caret below it stays aligned. */
export function frameSafe(line: string): string {
  return line.replace(/\t/g, ' ').replace(UNSAFE, '?');
}

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
