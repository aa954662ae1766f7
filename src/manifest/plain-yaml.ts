/**
 * A fast reader for the plain YAML most manifests are written in: block mappings with simple keys, block
 * sequences, one-line scalars (plain, 'single' or "double" quoted) and one-line flow sequences, with comments.
 * It gives exactly the data and positions the yaml package gives for such a text, in a fraction of the time and
 * memory, and declines (undefined) anything else: anchors, tags, block scalars, multi-line scalars, flow
 * mappings, numbers other than plain integers, tabs, a repeated key, anything yaml would warn or err about. The
 * caller then parses with the yaml package, which reports every problem with its position.
 */
import { MAX_DEPTH } from './limits.js';

/** Where a node is: a scalar's start and the end of its text, a collection's start and its children's places. */
export type Spot = ScalarSpot | MapSpot | SeqSpot;
interface ScalarSpot {
  kind: 'scalar';
  start: number;
  end: number;
}
interface MapSpot {
  kind: 'map';
  start: number;
  /** Each key's place and its value's; no value for `key:` with nothing after it. */
  pairs: Map<string, { key: ScalarSpot; value?: Spot }>;
}
interface SeqSpot {
  kind: 'seq';
  start: number;
  items: Spot[];
}

/** The data of a plain-YAML text, its top-level mapping's places, and the offset each line starts at. */
export interface PlainParse {
  value: Record<string, unknown>;
  root: MapSpot;
  lineStarts: number[];
}

/** Deeper than any manifest nests, and within MAX_DEPTH: past it the yaml package, with the loader's bound, reports. */
const MAX_PLAIN_DEPTH = Math.min(32, MAX_DEPTH);

// Characters that make a text more than plain YAML: controls (a tab included), CR, the BOM, NEL, the Unicode line
// separators, surrogates (an astral character or a broken one), and the noncharacters yaml may warn about.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNSUPPORTED = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/;
// A key as plain YAML writes it, followed by ": " or by the end of the line. Other keys (quoted, with spaces,
// numbers, `<<`) go to the yaml package.
const KEY = /[A-Za-z_][A-Za-z0-9_-]*:(?= |\n|$)/y;
// Plain scalars the core schema reads as something other than a string or a small integer: declined.
const NUMERIC = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
const SMALL_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
const NULL_WORD = /^(?:~|[Nn]ull|NULL)$/;
const BOOLEAN = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
/** Characters a plain scalar may not start with (YAML's indicators). */
const INDICATORS = new Set('-?:,[]{}#&*!|>\'"%@`<');
/** Characters a plain scalar in a flow sequence may not hold here. */
const FLOW_STOPS = new Set(',[]{}#:\'"');

class Decline {}
const decline = (): never => {
  throw new Decline();
};

/** The data and places of `text` when it is plain YAML whose top level is a mapping; otherwise undefined. */
export function parsePlainYaml(text: string): PlainParse | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (err) {
    if (err instanceof Decline) return undefined;
    throw err;
  }
}

/** A recursive descent over the text's content lines (comments and blank lines skipped). */
class Reader {
  /** Offset of each line's start, every line. */
  readonly lineStarts: number[] = [];
  /** For each content line: its indentation, the offset of its first character, the offset of its end. */
  private readonly indents: number[] = [];
  private readonly firsts: number[] = [];
  private readonly ends: number[] = [];
  /** The content line being read. */
  private at = 0;

  constructor(private readonly text: string) {
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      this.lineStarts.push(start);
      let first = start;
      while (first < end && text.charCodeAt(first) === 32) first++;
      if (first < end && text.charCodeAt(first) !== 35) {
        this.indents.push(first - start);
        this.firsts.push(first);
        this.ends.push(end);
      }
      start = end + 1;
    }
  }

  document(): PlainParse {
    // A leading "---" on a line of its own (a comment may follow) starts the one document. Any other marker or
    // directive is not a key, so the mapping below declines it.
    if (this.indents[0] === 0 && this.text.startsWith('---', this.firsts[0]!)) {
      this.rest(this.firsts[0]! + 3, this.ends[0]!);
      this.at = 1;
    }
    if (this.at >= this.indents.length || this.indents[this.at] !== 0) decline();
    const { value, spot } = this.mapping(0, this.firsts[this.at]!, 1);
    if (this.at < this.indents.length) decline();
    return { value, root: spot, lineStarts: this.lineStarts };
  }

  /** A block mapping whose keys sit at column `indent`, its first key at `first` (after "- " in a sequence). */
  private mapping(indent: number, first: number, depth: number): { value: Record<string, unknown>; spot: MapSpot } {
    if (depth > MAX_PLAIN_DEPTH) decline();
    const value: Record<string, unknown> = {};
    const spot: MapSpot = { kind: 'map', start: first, pairs: new Map() };
    let keyAt = first;
    for (;;) {
      const end = this.ends[this.at]!;
      KEY.lastIndex = keyAt;
      if (!KEY.test(this.text)) decline();
      const keyEnd = KEY.lastIndex - 1;
      // yaml refuses an implicit key longer than 1024 characters.
      if (keyEnd - keyAt > 1024) decline();
      const key = this.text.slice(keyAt, keyEnd);
      // A key the core schema reads as null or a boolean is written as "" or "true": left to the yaml package.
      if (key === '__proto__' || NULL_WORD.test(key) || BOOLEAN.test(key) || spot.pairs.has(key)) decline();
      const keySpot: ScalarSpot = { kind: 'scalar', start: keyAt, end: keyEnd };
      let p = keyEnd + 1;
      while (p < end && this.text.charCodeAt(p) === 32) p++;
      let pair: { value: unknown; spot?: Spot };
      if (p === end || this.text.charCodeAt(p) === 35) {
        this.at++;
        pair = this.nested(indent, depth);
      } else {
        pair = this.inlineLine(p, end, depth);
      }
      value[key] = pair.value;
      spot.pairs.set(key, pair.spot ? { key: keySpot, value: pair.spot } : { key: keySpot });
      if (this.at >= this.indents.length || this.indents[this.at]! < indent) return { value, spot };
      if (this.indents[this.at]! > indent) decline();
      keyAt = this.firsts[this.at]!;
    }
  }

  /** The value of a `key:` (at column `indent`) with nothing after it: a block below it, or null. */
  private nested(indent: number, depth: number): { value: unknown; spot?: Spot } {
    if (this.at >= this.indents.length) return { value: null };
    const below = this.indents[this.at]!;
    const dash = this.isDash(this.firsts[this.at]!);
    // A sequence may sit at its key's own column.
    if (below === indent && dash) return this.sequence(indent, depth + 1);
    if (below <= indent) return { value: null };
    const block = dash ? this.sequence(below, depth + 1) : this.mapping(below, this.firsts[this.at]!, depth + 1);
    if (this.at < this.indents.length && this.indents[this.at] === below) decline();
    return block;
  }

  /** A block sequence whose dashes sit at column `indent`; ends at the first line that is not an entry there. */
  private sequence(indent: number, depth: number): { value: unknown[]; spot: SeqSpot } {
    if (depth > MAX_PLAIN_DEPTH) decline();
    const value: unknown[] = [];
    const spot: SeqSpot = { kind: 'seq', start: this.firsts[this.at]!, items: [] };
    while (this.at < this.indents.length && this.indents[this.at] === indent && this.isDash(this.firsts[this.at]!)) {
      const end = this.ends[this.at]!;
      let p = this.firsts[this.at]! + 1;
      while (p < end && this.text.charCodeAt(p) === 32) p++;
      // An entry with its content on the lines below, or a sequence in a sequence: left to the yaml package.
      if (p === end || this.text.charCodeAt(p) === 35 || this.isDash(p)) decline();
      KEY.lastIndex = p;
      // An entry that is a mapping has its keys at the column of its first one.
      const column = p - (this.firsts[this.at]! - this.indents[this.at]!);
      const item = KEY.test(this.text) ? this.mapping(column, p, depth + 1) : this.inlineLine(p, end, depth);
      value.push(item.value);
      spot.items.push(item.spot);
    }
    if (this.at < this.indents.length && this.indents[this.at]! > indent) decline();
    return { value, spot };
  }

  /** A one-line value that is the whole rest of the current line. */
  private inlineLine(p: number, end: number, depth: number): { value: unknown; spot: Spot } {
    const item = this.inline(p, end, depth);
    this.at++;
    return item;
  }

  /** The value written from `p` to the line's `end` (a comment may follow it). */
  private inline(p: number, end: number, depth: number): { value: unknown; spot: Spot } {
    const c = this.text[p]!;
    if (c === '"' || c === "'") {
      const scalar = this.quoted(p, end);
      this.rest(scalar.spot.end, end);
      return scalar;
    }
    if (c === '[') {
      if (depth + 1 > MAX_PLAIN_DEPTH) decline();
      const seq = this.flowSequence(p, end);
      this.rest(seq.end, end);
      return seq;
    }
    if (c === '{') {
      // `{}` only: an empty mapping.
      const close = skipSpaces(this.text, p + 1, end);
      if (this.text[close] !== '}') decline();
      this.rest(close + 1, end);
      return { value: {}, spot: { kind: 'map', start: p, pairs: new Map() } };
    }
    if (INDICATORS.has(c)) decline();
    // A plain scalar runs to a " #" comment or the end of the line, trailing spaces dropped.
    let valueEnd = p;
    while (valueEnd < end && !(this.text.charCodeAt(valueEnd) === 35 && this.text.charCodeAt(valueEnd - 1) === 32)) valueEnd++;
    while (this.text.charCodeAt(valueEnd - 1) === 32) valueEnd--;
    const source = this.text.slice(p, valueEnd);
    if (source.includes(': ') || source.endsWith(':')) decline();
    return { value: plainValue(source), spot: { kind: 'scalar', start: p, end: valueEnd } };
  }

  /** A quoted scalar starting at `p` that closes on its line. */
  private quoted(p: number, end: number): { value: string; spot: ScalarSpot } {
    const { text } = this;
    const quote = text[p];
    let out = '';
    let from = p + 1;
    for (let i = p + 1; i < end; i++) {
      const c = text[i];
      if (quote === "'") {
        if (c !== "'") continue;
        out += text.slice(from, i);
        if (text[i + 1] === "'") {
          out += "'";
          from = ++i + 1;
          continue;
        }
        return { value: out, spot: { kind: 'scalar', start: p, end: i + 1 } };
      }
      if (c === '"') return { value: out + text.slice(from, i), spot: { kind: 'scalar', start: p, end: i + 1 } };
      if (c !== '\\') continue;
      out += text.slice(from, i) + this.escape(i, end);
      i += text[i + 1] === 'u' ? 5 : 1;
      from = i + 1;
    }
    return decline();
  }

  /** The character a double-quoted escape at `i` stands for; only the common escapes are read here. */
  private escape(i: number, end: number): string {
    const c = this.text[i + 1];
    const simple = c === undefined ? undefined : SIMPLE_ESCAPES[c];
    if (simple !== undefined) return simple;
    if (c !== 'u' || i + 6 > end) return decline();
    const hex = this.text.slice(i + 2, i + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) return decline();
    const code = parseInt(hex, 16);
    if (code >= 0xd800 && code <= 0xdfff) return decline();
    return String.fromCharCode(code);
  }

  /** `[a, "b", c]` on one line: scalars only, no empty or trailing entry. */
  private flowSequence(p: number, end: number): { value: unknown[]; spot: SeqSpot; end: number } {
    const { text } = this;
    const value: unknown[] = [];
    const spot: SeqSpot = { kind: 'seq', start: p, items: [] };
    let i = skipSpaces(text, p + 1, end);
    if (text[i] === ']') return { value, spot, end: i + 1 };
    for (;;) {
      if (i >= end) decline();
      const c = text[i]!;
      let item: { value: unknown; spot: ScalarSpot };
      if (c === '"' || c === "'") item = this.quoted(i, end);
      else {
        if (INDICATORS.has(c)) decline();
        let j = i;
        while (j < end && !FLOW_STOPS.has(text[j]!)) j++;
        let valueEnd = j;
        while (text.charCodeAt(valueEnd - 1) === 32) valueEnd--;
        item = { value: plainValue(text.slice(i, valueEnd)), spot: { kind: 'scalar', start: i, end: valueEnd } };
      }
      value.push(item.value);
      spot.items.push(item.spot);
      i = skipSpaces(text, item.spot.end, end);
      if (text[i] === ']') return { value, spot, end: i + 1 };
      if (text[i] !== ',') decline();
      i = skipSpaces(text, i + 1, end);
      if (text[i] === ']') decline();
    }
  }

  /** What may follow a value on its line: spaces, then a comment after at least one of them, or nothing. */
  private rest(p: number, end: number): void {
    const q = skipSpaces(this.text, p, end);
    if (q < end && (q === p || this.text.charCodeAt(q) !== 35)) decline();
  }

  /** Whether a "-" at `p` starts a sequence entry (followed by a space or the end of the line). */
  private isDash(p: number): boolean {
    const next = this.text.charCodeAt(p + 1);
    return this.text.charCodeAt(p) === 45 && (next === 32 || next === 10 || Number.isNaN(next));
  }

}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r' };

function skipSpaces(text: string, p: number, end: number): number {
  while (p < end && text.charCodeAt(p) === 32) p++;
  return p;
}

/** A plain scalar's value under the YAML 1.2 core schema, or a decline for the forms read as numbers but big ints. */
function plainValue(source: string): unknown {
  if (source === '' || INDICATORS.has(source[0]!)) return decline();
  const c = source.charCodeAt(0);
  // Digits, signs and dots start the numeric forms; n, N, ~, t, T, f, F the words.
  if ((c >= 48 && c <= 57) || c === 43 || c === 46) {
    if (SMALL_INTEGER.test(source)) return Number(source);
    if (NUMERIC.test(source)) return decline();
    return source;
  }
  if (NULL_WORD.test(source)) return null;
  if (BOOLEAN.test(source)) return source.charCodeAt(0) === 116 || source.charCodeAt(0) === 84;
  return source;
}

/** Where a data path is, as the yaml-based locator would say: the offset and how many characters to underline. */
export function locateSpot(root: Spot, path: readonly (string | number)[], target: 'key' | 'value' = 'value'): { offset: number; length: number } {
  let node: Spot | undefined = root;
  let keySpot: ScalarSpot | undefined;
  let found = true;
  for (const seg of path) {
    if (node?.kind === 'map') {
      const pair = node.pairs.get(String(seg));
      if (!pair) {
        found = false;
        break;
      }
      keySpot = pair.key;
      // `key:` with nothing after it: point at the key.
      node = pair.value ?? keySpot;
    } else if (node?.kind === 'seq') {
      const item: Spot | undefined = node.items[Number(seg)];
      if (item === undefined) {
        found = false;
        break;
      }
      keySpot = undefined;
      node = item;
    } else {
      found = false;
      break;
    }
  }
  const pointAt = found && target === 'key' && keySpot ? keySpot : node;
  if (!pointAt) return { offset: 0, length: 1 };
  return { offset: pointAt.start, length: pointAt.kind === 'scalar' ? Math.max(1, pointAt.end - pointAt.start) : 1 };
}
