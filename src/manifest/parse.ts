/** Parsing a manifest's text with `yaml`, keeping source positions so every problem can point at its spot. */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Node, Pair, YAMLError } from 'yaml';
import type { Locate, Path } from './issue.js';
import { escapeControl } from '../shared/text.js';
import { quote } from './quote.js';
import { MAX_ALIAS_COUNT, YAML_PARSE_OPTIONS, YAML_TO_JS_OPTIONS } from '../shared/yaml.js';
import type { Diagnostic } from './types.js';


/** A parsed manifest: its data (when the YAML was usable), a locator for paths, and YAML-level problems. */
export interface ParsedManifest {
  /** The plain data, absent when the YAML could not be read reliably. */
  value?: unknown;
  locate: Locate;
  diagnostics: Diagnostic[];
}

/** Parses `text` (reported as `file`); never throws. */
export function parseManifest(text: string, file: string): ParsedManifest {
  const lineCounter = new LineCounter();
  // merge: `<<: *anchor` is the usual way to share fields between entries.
  const doc = parseDocument(text, { ...YAML_PARSE_OPTIONS, lineCounter });
  const at = (offset: number, length = 1): Pick<Diagnostic, 'file' | 'line' | 'column'> & { length: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, length };
  };
  const locate = makeLocator(doc, at);
  const diagnostics: Diagnostic[] = [];
  const duplicates = duplicateKeys(doc, lineCounter);
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

  let firstAlias: number | undefined;
  let unresolved = false;
  visit(doc, {
    Alias(_key, alias) {
      firstAlias ??= alias.range?.[0];
      if (alias.resolve(doc) === undefined) {
        unresolved = true;
        diagnostics.push({
          ...at(alias.range?.[0] ?? 0, alias.source.length + 1),
          severity: 'error',
          code: 'unknown-alias',
          message: `alias *${escapeControl(alias.source)} refers to no anchor; define "&${escapeControl(alias.source)}" before this line or fix the name.`,
        });
      }
    },
  });
  if (unresolved) return { locate, diagnostics };

  try {
    return { value: doc.toJS(YAML_TO_JS_OPTIONS), locate, diagnostics };
  } catch (err) {
    const bomb = err instanceof ReferenceError && /alias count/i.test(err.message);
    diagnostics.push({
      ...at(firstAlias ?? 0),
      severity: 'error',
      code: bomb ? 'alias-bomb' : 'yaml-syntax',
      message: bomb
        ? `aliases here expand exponentially (more than ${MAX_ALIAS_COUNT} nodes); rdhooks refuses such files. Use each anchor a handful of times, without nesting aliases of aliases.`
        : `the YAML cannot be read: ${escapeControl(err instanceof Error ? err.message : String(err))}.`,
    });
    return { locate, diagnostics };
  }
}

type Position = Pick<Diagnostic, 'file' | 'line' | 'column'> & { length: number };

/** A locator that walks the YAML tree along a data path, following aliases and `<<` merges. */
function makeLocator(doc: Document, at: (offset: number, length?: number) => Position): Locate {
  return (path: Path, target = 'value') => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    let found = true;
    for (const seg of path) {
      node = deref(doc, node);
      if (isMap(node)) {
        const pair = findPair(doc, node, String(seg));
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

function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** The pair whose key is `key`, looking through `<<` merge keys as yaml's toJS does. */
function findPair(doc: Document, map: { items: Pair[] }, key: string, depth = 0): Pair | undefined {
  for (const pair of map.items) if (isScalar(pair.key) && String(pair.key.value) === key) return pair;
  if (depth > 20) return undefined;
  for (const pair of map.items) {
    if (!isScalar(pair.key) || pair.key.value !== '<<') continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const target = deref(doc, source);
      if (isMap(target)) {
        const found = findPair(doc, target, key, depth + 1);
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

