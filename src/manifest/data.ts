/**
 * yaml nodes to plain data, in time linear in what it produces: every alias is resolved through one map built in
 * a single pass (yaml's own `resolve` walks the whole document per alias, and its toJS scans every anchor per
 * alias), `<<` merges are applied as yaml's toJS applies them, and nesting and alias expansion stay bounded.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Document, Node, Pair, YAMLMap } from 'yaml';
import { MAX_ALIAS_NODES, MAX_DEPTH } from './limits.js';

/** For each alias, the node its anchor names at that point of the document; undefined when none does. */
export type AliasTargets = ReadonlyMap<Alias, Node | undefined>;

/** Resolves every alias of `doc` in one pass, in document order: an alias names the last anchor before it. */
export function aliasTargets(doc: Document): AliasTargets {
  const targets = new Map<Alias, Node | undefined>();
  const anchors = new Map<string, Node>();
  // Pre-order, keys before values, as yaml's own resolution; an explicit stack, so no depth can overflow it.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      targets.set(node, anchors.get(node.source));
    } else if (isPair(node)) {
      stack.push(node.value, node.key);
    } else if (isMap(node) || isSeq(node) || isScalar(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
      if (!isScalar(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    }
  }
  return targets;
}

/** Why a document could not become data, and the node to point at. */
export interface DataProblem {
  code: 'too-deep' | 'alias-bomb' | 'recursive-alias' | 'bad-merge';
  node: Node;
  /** For too-deep: whether an alias carried the data past the limit. */
  throughAlias?: boolean;
}

/** Whether `key` is a `<<` merge key (a plain `<<`, which the merge option reads as a symbol). */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || (key.value === '<<' && key.type === 'PLAIN'));
}

/**
 * The plain data of `root` (a value yaml's toJS would give, but with every alias copied rather than shared), or
 * the first problem: collections nested past MAX_DEPTH (aliases included), aliases copying more than
 * MAX_ALIAS_NODES nodes, an alias inside the node it names, or a merge of something other than mappings.
 * Recursion is bounded by MAX_DEPTH. Every alias of `root` must have a target.
 */
export function toData(root: Node | null, targets: AliasTargets): { value: unknown } | { problem: DataProblem } {
  let copied = 0;
  const open = new Set<Node>();
  class Stop {
    constructor(readonly problem: DataProblem) {}
  }

  // `via` is the outermost alias being expanded: what a budget overrun or an alias-made depth points at.
  const convert = (node: unknown, depth: number, via: Alias | undefined): unknown => {
    if (isAlias(node)) {
      const target = targets.get(node)!;
      if (open.has(target)) throw new Stop({ code: 'recursive-alias', node });
      return convert(target, depth, via ?? node);
    }
    if (via !== undefined && ++copied > MAX_ALIAS_NODES) throw new Stop({ code: 'alias-bomb', node: via });
    if (isScalar(node)) return typeof node.value === 'symbol' ? (node.value.description ?? '') : node.value;
    if (!isMap(node) && !isSeq(node)) return null;
    if (depth >= MAX_DEPTH) throw new Stop(via ? { code: 'too-deep', node: via, throughAlias: true } : { code: 'too-deep', node });
    open.add(node);
    const value = isSeq(node) ? node.items.map((item) => convert(item, depth + 1, via)) : mapping(node, depth, via);
    open.delete(node);
    return value;
  };

  const mapping = (map: YAMLMap, depth: number, via: Alias | undefined): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const pair of map.items as Pair[]) {
      if (isMergeKey(pair.key)) {
        merge(out, pair.value, depth, via);
      } else {
        set(out, keyOf(isAlias(pair.key) ? targets.get(pair.key) : pair.key), convert(pair.value, depth + 1, via));
      }
    }
    return out;
  };

  // As yaml's toJS: a mapping, an alias of one, or a list of those; a key the mapping already has wins, and an
  // earlier source wins over a later one.
  const merge = (out: Record<string, unknown>, value: unknown, depth: number, via: Alias | undefined): void => {
    const resolved = isAlias(value) ? targets.get(value) : value;
    const sources = isSeq(resolved) ? resolved.items : [value];
    for (const source of sources) {
      const map = isAlias(source) ? targets.get(source) : source;
      if (!isMap(map)) throw new Stop({ code: 'bad-merge', node: source as Node });
      const data = convert(source, depth, isAlias(value) ? (via ?? value) : via) as Record<string, unknown>;
      for (const [k, v] of Object.entries(data)) if (!Object.hasOwn(out, k)) set(out, k, v);
    }
  };

  try {
    return { value: convert(root, 0, undefined) };
  } catch (err) {
    if (err instanceof Stop) return { problem: err.problem };
    throw err;
  }
}

/** A (resolved) mapping key as yaml's toJS writes it on an object: a scalar as text (null as ""), a collection as JSON. */
function keyOf(key: unknown): string {
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  return String(key);
}

/** Sets `key` as an own property; `__proto__` too, without touching the prototype. */
function set(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  else out[key] = value;
}
