/** The order of updates that move onto keys other updates vacate. */
import { describeSubject } from './errors.js';
import type { PlanError, PlanErrorSubject } from './types.js';

/** An update that changes a webhook's (event_type, url) key. */
export interface Move {
  subject: PlanErrorSubject;
  /** identityKey() before and after the update; they differ. */
  from: string;
  to: string;
}

/**
 * The wave of each move: RD refuses a duplicate key at any instant, so a move onto a key another move vacates
 * runs in a later wave than it (a chain: B leaves, then A arrives). Deletes run before every update, so keys
 * they free need no wave. A cycle (a swap: A takes B's key while B takes A's) has no order that PUTs alone can
 * follow, and becomes an error with the way out, never a half-applied swap. Keys held by webhooks that stay
 * are findCollisions()'s business.
 */
export function orderMoves(moves: readonly Move[]): { waves: number[]; errors: PlanError[] } {
  // deps[i]: the moves that must finish before move i, i.e. those now sitting on the key i moves onto.
  const deps = moves.map((m, i) => moves.flatMap((other, j) => (j !== i && other.from === m.to ? [j] : [])));
  const cycles = stronglyConnected(deps).filter((c) => c.length > 1);
  const waves = moves.map(() => 0);
  const done = moves.map(() => false);
  const visit = (i: number, seen: Set<number>): number => {
    if (done[i]) return waves[i] ?? 0;
    if (seen.has(i)) return 0; // inside a cycle, already reported
    seen.add(i);
    waves[i] = Math.max(0, ...(deps[i] ?? []).map((j) => visit(j, seen) + 1));
    done[i] = true;
    return waves[i] ?? 0;
  };
  moves.forEach((_m, i) => visit(i, new Set()));
  return { waves, errors: cycles.map((c) => swapError(c.map((i) => moves[i] as Move))) };
}

function swapError(cycle: Move[]): PlanError {
  const first = cycle[0] as Move;
  const steps = cycle.map((m) => `${describeSubject(m.subject)} moves from ${m.from} to ${m.to}`);
  return {
    code: 'update_cycle',
    message:
      `${cycle.length} updates swap (event_type, url) keys with each other, and RD refuses a duplicate at every ` +
      `instant, so no order of updates can apply them: ${steps.join('; ')}.`,
    hint:
      `Recreate one of them: remove \`uuid: ${first.subject.uuid ?? '…'}\` from ${first.subject.address} and add an ` +
      `entry \`{uuid: ${first.subject.uuid ?? '…'}, ensure: absent}\`, so apply deletes it first and creates it anew. ` +
      'Or apply in two steps: first move one of them to a temporary url and apply, then set the final urls ' +
      'and apply again.',
    subjects: cycle.map((m) => m.subject),
  };
}

/** Tarjan's strongly connected components of a graph given as adjacency lists, each sorted by index. */
function stronglyConnected(edges: readonly (readonly number[])[]): number[][] {
  const index: number[] = [];
  const low: number[] = [];
  const onStack: boolean[] = [];
  const stack: number[] = [];
  const out: number[][] = [];
  let next = 0;
  const connect = (v: number): void => {
    index[v] = low[v] = next++;
    stack.push(v);
    onStack[v] = true;
    for (const w of edges[v] ?? []) {
      if (index[w] === undefined) {
        connect(w);
        low[v] = Math.min(low[v] as number, low[w] as number);
      } else if (onStack[w]) {
        low[v] = Math.min(low[v] as number, index[w]);
      }
    }
    if (low[v] === index[v]) {
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = false;
        component.push(w);
      } while (w !== v);
      out.push(component.sort((a, b) => a - b));
    }
  };
  edges.forEach((_e, v) => {
    if (index[v] === undefined) connect(v);
  });
  return out;
}
