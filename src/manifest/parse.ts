/** Parsing a manifest's text with `yaml`, keeping source positions so every problem can point at its spot. */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Document, Node, Pair, YAMLError } from 'yaml';
import { escapeControl } from '../shared/text.js';
import { composeBounded } from './compose.js';
import { aliasTargets, isMergeKey, toData, type AliasTargets, type DataProblem } from './data.js';
import { positionOf } from './lines.js';
import { locateSpot, parsePlainYaml } from './plain-yaml.js';
import type { Locate, Path } from './issue.js';
import { MAX_ALIAS_NODES, tooDeepMessage } from './limits.js';
import { quote } from './quote.js';
import type { Diagnostic } from './types.js';

/** A parsed manifest: its data (when the YAML was usable), a locator for paths, and YAML-level problems. */
export interface ParsedManifest {
  /** The plain data, absent when the YAML could not be read reliably. */
  value?: unknown;
  locate: Locate;
  diagnostics: Diagnostic[];
}

/**
 * Parses `text` (reported as `file`); never throws. The value, when there is one, is plain data nested at most
 * MAX_DEPTH levels, so the walks that follow (interpolation, trimming, the schema check) cannot overflow. Plain
 * YAML, what most manifests are, is read by plain-yaml.ts, which gives the same data and positions in a fraction
 * of the time; anything else by the yaml package.
 */
export function parseManifest(text: string, file: string): ParsedManifest {
  const plain = parsePlainYaml(text);
  if (plain === undefined) return parseWithYaml(text, file);
  const { lineStarts, root } = plain;
  const locate: Locate = (path, target) => {
    const { offset, length } = locateSpot(root, path, target);
    return { file, ...positionOf(lineStarts, offset), length };
  };
  return { value: plain.value, locate, diagnostics: [] };
}

/** parseManifest with the yaml package alone: any YAML, every problem reported with its position. */
export function parseWithYaml(text: string, file: string): ParsedManifest {
  const lineCounter = new LineCounter();
  const at = (offset: number, length = 1): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, length };
  };
  const composed = composeBounded(text, lineCounter);
  if (composed.tooDeep !== undefined) {
    const diagnostic: Diagnostic = { ...at(composed.tooDeep), severity: 'error', code: 'too-deep', message: tooDeepMessage() };
    return { locate: () => at(composed.tooDeep), diagnostics: [diagnostic] };
  }
  const { doc } = composed;
  // The walks for aliases and for repeated keys run only when the parse found some: most manifests have neither.
  const targets: AliasTargets = composed.aliases ? aliasTargets(doc) : new Map();
  const locate = makeLocator(doc, targets, at);
  const diagnostics: Diagnostic[] = [];
  const duplicates = doc.errors.some((e) => e.code === 'DUPLICATE_KEY') ? duplicateKeys(doc, lineCounter) : new Map<number, { key: string; firstLine: number }>();
  for (const err of doc.errors) {
    const length = duplicates.get(err.pos[0])?.key.length ?? err.pos[1] - err.pos[0];
    diagnostics.push({ ...at(err.pos[0], length), severity: 'error', ...describeYamlError(err, text, duplicates) });
  }
  for (const warn of doc.warnings) {
    diagnostics.push({ ...at(warn.pos[0]), severity: 'warning', code: 'yaml-warning', message: `${yamlMessage(warn)}.` });
  }
  // A duplicate key leaves the rest of the document intact, so the other checks can still run.
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return { locate, diagnostics };

  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    diagnostics.push({
      ...at(0),
      severity: 'error',
      code: 'empty-file',
      message: `${escapeControl(file)} has no content, only comments. Add at least "version: 1" (see examples/minimal.yaml).`,
    });
    return { locate, diagnostics };
  }
  if (!isMap(contents)) {
    const found = isSeq(contents) ? 'a list' : isScalar(contents) ? `the value ${quote(contents.value)}` : 'an alias';
    diagnostics.push({
      ...at(contents.range?.[0] ?? 0),
      severity: 'error',
      code: 'not-a-mapping',
      message: `the top level of ${escapeControl(file)} must be a mapping of keys (version, webhooks, …), but it is ${found}. Start the file with "version: 1".`,
    });
    return { locate, diagnostics };
  }

  let unresolved = false;
  for (const [alias, target] of targets) {
    if (target !== undefined) continue;
    unresolved = true;
    const name = escapeControl(alias.source);
    diagnostics.push({
      ...at(alias.range?.[0] ?? 0, alias.source.length + 1),
      severity: 'error',
      code: 'unknown-alias',
      message: `alias *${name} refers to no anchor; define "&${name}" before this line or fix the name.`,
    });
  }
  if (unresolved) return { locate, diagnostics };

  const data = toData(contents, targets);
  if ('value' in data) return { value: data.value, locate, diagnostics };
  const { problem } = data;
  const where = at(problem.node.range?.[0] ?? 0, isAlias(problem.node) ? problem.node.source.length + 1 : 1);
  diagnostics.push({ ...where, severity: 'error', code: problem.code, message: describeDataProblem(problem) });
  return { locate, diagnostics };
}

function describeDataProblem(problem: DataProblem): string {
  switch (problem.code) {
    case 'too-deep':
      return tooDeepMessage(problem.throughAlias);
    case 'alias-bomb':
      return `aliases here expand to more than ${MAX_ALIAS_NODES} nodes (aliases of aliases multiply); rdhooks refuses such files. Share fields with an anchor, without nesting aliases of aliases.`;
    case 'recursive-alias': {
      const name = escapeControl(isAlias(problem.node) ? problem.node.source : '');
      return `alias *${name} is inside the node its anchor "&${name}" names, so its value would never end. Point it at another anchor or remove it.`;
    }
    case 'bad-merge':
      return 'a merge key (<<) takes a mapping, an alias of one, or a list of them, not this value. Fix the value or write the fields out.';
  }
}

type Position = Pick<Diagnostic, 'file' | 'line' | 'column'> & { length: number };

/** A locator that walks the YAML tree along a data path, following aliases and `<<` merges. */
function makeLocator(doc: Document, targets: AliasTargets, at: (offset: number, length?: number) => Position): Locate {
  const deref = (node: unknown): unknown => (isAlias(node) ? targets.get(node) : node);
  return (path: Path, target = 'value') => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    let found = true;
    for (const seg of path) {
      node = deref(node);
      if (isMap(node)) {
        const pair = findPair(node, String(seg), deref);
        if (!pair) {
          found = false;
          break;
        }
        keyNode = isScalar(pair.key) ? pair.key : undefined;
        node = pair.value ?? undefined;
        // `key:` with nothing after it: point at the key.
        if (!node || (isScalar(node) && node.value === null && node.source === '')) node = keyNode;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined || item === null) {
          found = false;
          break;
        }
        keyNode = undefined;
        node = item;
      } else {
        found = false;
        break;
      }
    }
    const pointAt = found && target === 'key' && keyNode ? keyNode : (node as Node | undefined);
    const range = pointAt?.range;
    if (!range) return at(0);
    const length = isScalar(pointAt) || isAlias(pointAt) ? Math.max(1, range[1] - range[0]) : 1;
    return at(range[0], length);
  };
}

/** The pair whose key is `key`, looking through `<<` merge keys as toData does (an earlier source wins). */
function findPair(map: { items: Pair[] }, key: string, deref: (node: unknown) => unknown, depth = 0): Pair | undefined {
  for (const pair of map.items) if (isScalar(pair.key) && !isMergeKey(pair.key) && String(pair.key.value) === key) return pair;
  // Merges of merges are rare; the bound keeps a cycle from looping.
  if (depth > 20) return undefined;
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    const value = deref(pair.value);
    for (const source of isSeq(value) ? value.items : [value]) {
      const target = deref(source);
      if (isMap(target)) {
        const found = findPair(target, key, deref, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** For each repeated key (by offset of the repeat): the key and the line of its first occurrence. */
function duplicateKeys(doc: Document, lineCounter: LineCounter): Map<number, { key: string; firstLine: number }> {
  const out = new Map<number, { key: string; firstLine: number }>();
  visit(doc, {
    Map(_key, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
        const key = String(pair.key.value);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, pair.key.range[0]);
        else out.set(pair.key.range[0], { key, firstLine: lineCounter.linePos(first).line });
      }
    },
  });
  return out;
}

/** yaml's message, terminal-safe and short: it quotes the source (C1 and bidi controls raw), even a whole huge line. */
function yamlMessage(err: YAMLError): string {
  const full = escapeControl(err.message.replace(/\s+at line \d+, column \d+.*$/s, ''));
  return full.length > 200 ? `${full.slice(0, 199)}…` : full;
}

function describeYamlError(
  err: YAMLError,
  text: string,
  duplicates: Map<number, { key: string; firstLine: number }>,
): { code: string; message: string } {
  const what = yamlMessage(err);
  switch (err.code) {
    case 'DUPLICATE_KEY': {
      const dup = duplicates.get(err.pos[0]);
      const key = dup ? quote(dup.key) : quote(text.slice(err.pos[0], err.pos[1]));
      const also = dup ? `: also at line ${dup.firstLine}` : '';
      return {
        code: 'duplicate-key',
        message: `duplicate key ${key}${also}; YAML would silently keep only one. Remove or rename one of them.`,
      };
    }
    case 'TAB_AS_INDENT':
      return {
        code: 'tab-indentation',
        message: 'a tab is used for indentation; YAML indents with spaces only. Replace the tab with spaces.',
      };
    case 'MULTIPLE_DOCS':
      return {
        code: 'multiple-documents',
        message: 'a second YAML document starts here; a manifest is one document. Remove the "---" line and merge what follows.',
      };
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return { code: 'yaml-syntax', message: `invalid YAML: ${what}. Check the indentation, brackets and quotes here.` };
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return {
        code: 'yaml-syntax',
        message: `invalid YAML: ${what}. A value that contains ": " must be quoted.`,
      };
    default:
      return { code: 'yaml-syntax', message: `invalid YAML: ${what}. Fix the syntax here.` };
  }
}

