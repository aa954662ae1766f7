/** Making text safe to print: no terminal escapes, no control characters, no bidi tricks. */

// ANSI sequences go first and whole, so their parameters do not survive as stray text: CSI (ESC [ or C1 CSI),
// OSC (ESC ] … BEL or ST), DCS/SOS/PM/APC strings, then any other two-byte escape.
// eslint-disable-next-line no-control-regex
const ANSI = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[ -~]?/g;

// C0, DEL, C1, and the format characters that reorder or hide text (bidi embeddings, overrides, isolates,
// marks) and the Unicode line separators.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The text without ANSI escape sequences, control characters or bidi controls. */
export function stripControl(text: string): string {
  return text.replace(ANSI, '').replace(UNSAFE, '');
}

// What JSON.stringify leaves raw: C0 it escapes already, and the layout's own newlines must stay.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify output with DEL, C1, bidi controls and line separators inside its strings written as \u
 * escapes (C0 it escapes itself), so the data stays exact while a terminal shows it inertly.
 */
export function escapeUnsafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` with control and bidi characters written as `\uXXXX`: for echoing what a user typed, visibly. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
