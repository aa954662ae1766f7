/**
 * Pinning: writing the uuids of matched webhooks into the manifest entries that lack one. Pure.
 *
 * The uuid lines are inserted into the text at positions taken from yaml's node ranges rather than by setting
 * nodes and calling Document#toString(): that re-renders the whole file (re-indents sequences, collapses blank
 * lines, respaces comments and flow lists), and a pin must change nothing but the lines it adds.
 */
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isMap, isScalar, isSeq, parseDocument, Scalar, visit } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { matchEntries } from '../plan/match.js';
import type { PlanError } from '../plan/types.js';
import type { RemoteWebhook } from '../shared/webhook.js';
import { isUuid } from '../shared/uuid.js';
import { YAML_PARSE_OPTIONS, YAML_TO_JS_OPTIONS } from '../shared/yaml.js';
import type { Manifest, SourcePosition } from '../manifest/types.js';

/** One entry `pin` writes (or, with --check, would write) a uuid into. */
export interface PinnedEntry {
  address: string;
  uuid: string;
  source: SourcePosition;
  /** The stale uuid this pin replaced, when it updated one. */
  replaced?: string;
}

/** An entry left as it is, and why. */
export interface PinNote {
  address: string;
  source: SourcePosition;
  /** The listed webhook's uuid, when the entry matched one. */
  uuid?: string;
  message: string;
}

/** What pinning a manifest does: the new text and, entry by entry, what was written and what was not. */
export interface PinResult {
  /** The manifest text with the uuid lines added; equal to the input when `pinned` is empty. */
  text: string;
  pinned: PinnedEntry[];
  /** Entries no listed webhook matches: apply will create them. */
  unmatched: PinNote[];
  /** Matched entries pin cannot write to safely (an alias, a shared anchor, an odd layout). */
  skipped: PinNote[];
  /** Entries whose pinned uuid the account does not list; pin does not replace a uuid the user wrote. */
  stale: PinNote[];
  /** Matching problems (two entries claiming one webhook): nothing should be written. */
  errors: PlanError[];
}


interface Edit {
  index: number;
  offset: number;
  insert: string;
  /** Characters replaced at `offset` (an old uuid); none for an insertion. */
  remove?: number;
}

/** What pin may do beyond adding missing uuids. */
export interface PinOptions {
  /** Uuids rdhooks replaced (apply's ledger, .rdhooks/replaced.json): old → new. A pin on an old one is updated. */
  replaced?: ReadonlyMap<string, string>;
  /** Update every stale pin whose entry matches exactly one listed webhook by event_type and url. */
  updateStale?: boolean;
}

/**
 * Adds `uuid: …` to each present entry that has none and matches a listed webhook by (event_type, url), using
 * the planner's matching, and updates a stale pin that rdhooks replaced (or any stale pin, with `updateStale`).
 * `text` is the manifest `manifest` was loaded from (valid, so it parses).
 */
export function pinManifest(text: string, manifest: Manifest, remote: readonly RemoteWebhook[], options: PinOptions = {}): PinResult {
  const result: PinResult = { text, pinned: [], unmatched: [], skipped: [], stale: [], errors: [] };
  const matching = matchEntries(manifest, remote);
  if (matching.errors.length > 0) return { ...result, errors: matching.errors };

  const doc = parseDocument(text, YAML_PARSE_OPTIONS);
  const entries = entryNodes(doc);
  const indexAt = new Map<string, number>();
  entries.forEach((node, i) => {
    if (node?.range) indexAt.set(positionKey(text, node.range[0]), i);
  });
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const shared = referencedAnchors(doc);

  const edits: Edit[] = [];
  const planned: PinnedEntry[] = [];
  for (const m of matching.present) {
    const { desired, remote: found } = m;
    const note = { address: desired.address, source: desired.source };
    if (!found) {
      result.unmatched.push({ ...note, message: 'matches no listed webhook: rdhooks apply will create it; run rdhooks pin again after that.' });
      continue;
    }
    const repin = desired.uuid !== undefined && m.staleUuid && (options.replaced?.get(desired.uuid) === found.uuid || options.updateStale === true);
    if (desired.uuid !== undefined && !repin) {
      if (m.staleUuid) {
        result.stale.push({
          ...note,
          uuid: found.uuid,
          message: `pins ${desired.uuid}, which the account does not list; it matches ${found.uuid} by event_type and url. Left as written: check it, then rdhooks pin --update-stale.`,
        });
      }
      continue;
    }
    const skip = (why: string): void => {
      result.skipped.push({ ...note, uuid: found.uuid, message: `${why} Add "uuid: ${found.uuid}" to it by hand.` });
    };
    if (!isUuid(found.uuid)) {
      skip(`matches a webhook whose uuid is not a uuid the manifest accepts, so it is not written.`);
      continue;
    }
    const index = indexAt.get(`${desired.source.line}:${desired.source.column}`);
    const node = index === undefined ? undefined : entries[index];
    if (index === undefined || !node) {
      skip('could not be found in the file.');
      continue;
    }
    const edit = repin ? replacement(node, found.uuid) : insertion(text, node, found.uuid, shared, eol);
    if (typeof edit === 'string') {
      skip(edit);
      continue;
    }
    edits.push({ index, ...edit });
    planned.push({ address: desired.address, uuid: found.uuid, source: desired.source, ...(repin && desired.uuid ? { replaced: desired.uuid } : {}) });
  }

  // Every edit is checked by parsing the result: an entry whose edit changes anything but its own uuid is skipped.
  const original = (): unknown => doc.toJS(YAML_TO_JS_OPTIONS);
  let accepted = edits;
  let edited = applyEdits(text, accepted);
  if (!sameButPinned(original, edited, accepted)) {
    accepted = edits.filter((e) => sameButPinned(original, applyEdits(text, [e]), [e]));
    edited = applyEdits(text, accepted);
    if (!sameButPinned(original, edited, accepted)) accepted = [];
    for (const e of edits) {
      if (accepted.includes(e)) continue;
      const p = planned[edits.indexOf(e)] as PinnedEntry;
      result.skipped.push({
        address: p.address,
        source: p.source,
        uuid: p.uuid,
        message: `could not be pinned without changing other parts of the file. Add "uuid: ${p.uuid}" to it by hand.`,
      });
    }
    edited = applyEdits(text, accepted);
  }
  result.pinned = planned.filter((_, i) => accepted.includes(edits[i] as Edit));
  result.text = edited;
  return result;
}

/** The nodes of `webhooks:` items, in order (an alias item stays an alias: it cannot be edited in place). */
function entryNodes(doc: Document): (Node | null)[] {
  if (!isMap(doc.contents)) return [];
  let seq: unknown = doc.contents.get('webhooks', true);
  if (isAlias(seq)) seq = seq.resolve(doc);
  return isSeq(seq) ? (seq.items as (Node | null)[]) : [];
}

/** `line:column` of an offset, 1-based, as the loader's source positions are. */
function positionKey(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - (before.lastIndexOf('\n') + 1) + 1}`;
}

/** Anchors some alias refers to: a uuid added under one would reach every entry using it. */
function referencedAnchors(doc: Document): Set<string> {
  const used = new Set<string>();
  visit(doc, {
    Alias(_key, alias) {
      used.add(alias.source);
    },
  });
  return used;
}

/** Where and what to insert for one entry, or why it cannot be done. */
function insertion(text: string, node: Node, uuid: string, shared: Set<string>, eol: string): { offset: number; insert: string } | string {
  if (isAlias(node)) return `is an alias (*${node.source}) of another entry, so a uuid cannot be added to it alone.`;
  if (!isMap(node) || node.items.length === 0) return 'is not a mapping of keys.';
  if (node.anchor && shared.has(node.anchor)) {
    return `has the anchor &${node.anchor}, which other entries reuse: a uuid here would reach them too.`;
  }
  const name = directPair(node, 'name');
  const first = node.items[0] as Pair;
  const firstKey = first.key as Node | null;
  const nameValue = name?.value;
  if (node.flow) {
    const nameEnd = isScalar(nameValue) ? nameValue.range?.[1] : undefined;
    if (nameEnd !== undefined) return { offset: nameEnd, insert: `, uuid: ${uuid}` };
    if (!firstKey?.range) return 'has a layout pin does not edit.';
    return { offset: firstKey.range[0], insert: `uuid: ${uuid}, ` };
  }
  const keyNode = (name?.key ?? firstKey) as Node | null;
  if (!keyNode?.range) return 'has a layout pin does not edit.';
  // The entry's keys share one column; for `- name: x` that is the column after the dash.
  const indent = ' '.repeat(keyNode.range[0] - (text.lastIndexOf('\n', keyNode.range[0] - 1) + 1));
  if (isScalar(nameValue) && nameValue.range) {
    const end = nameValue.range[1];
    if (text[end - 1] === '\n') return { offset: end, insert: `${indent}uuid: ${uuid}${eol}` };
    const nl = text.indexOf('\n', end);
    if (nl === -1) return { offset: text.length, insert: `${eol}${indent}uuid: ${uuid}` };
    return { offset: nl + 1, insert: `${indent}uuid: ${uuid}${eol}` };
  }
  return { offset: keyNode.range[0], insert: `uuid: ${uuid}${eol}${indent}` };
}

/** The edit that swaps the entry's own uuid value for `uuid`, or why it cannot be done. */
function replacement(node: Node, uuid: string): { offset: number; insert: string; remove: number } | string {
  if (!isMap(node)) return 'is not a mapping of keys.';
  const value = directPair(node, 'uuid')?.value;
  if (!isScalar(value) || !value.range || value.type !== Scalar.PLAIN) return 'has its uuid where pin does not edit it (an alias, a merge, or a quoted value).';
  return { offset: value.range[0], insert: uuid, remove: value.range[1] - value.range[0] };
}

/** The pair with this key written in the map itself (not brought in by a `<<` merge). */
function directPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.insert + out.slice(e.offset + (e.remove ?? 0));
  return out;
}

/** Whether `edited` parses to `original` with exactly the edited entries' uuids added. */
function sameButPinned(original: () => unknown, edited: string, edits: readonly Edit[]): boolean {
  const doc = parseDocument(edited, YAML_PARSE_OPTIONS);
  if (doc.errors.length > 0) return false;
  // A fresh copy each time rather than a clone: toJS builds plain objects of yaml's own realm.
  const expected = original() as { webhooks?: Record<string, unknown>[] };
  for (const e of edits) {
    const entry = expected.webhooks?.[e.index];
    if (!entry) return false;
    entry.uuid = uuidOf(e.insert);
  }
  return isDeepStrictEqual(doc.toJS(YAML_TO_JS_OPTIONS), expected);
}

function uuidOf(insert: string): string {
  return /([0-9A-Fa-f]{8}-[0-9A-Fa-f-]+)/.exec(insert)?.[1] ?? '';
}
