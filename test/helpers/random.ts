/** A small seeded PRNG (mulberry32) and helpers, so fuzz tests are reproducible from a printed seed. */

/** A reproducible source of random numbers and choices. */
export interface Random {
  /** The seed it started from, for failure messages. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** The seed fuzz tests use: env RDHOOKS_FUZZ_SEED when set (decimal or 0x hex), else `fallback`. */
export function fuzzSeed(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RDHOOKS_FUZZ_SEED?.trim();
  if (!raw) return fallback >>> 0;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`RDHOOKS_FUZZ_SEED must be a number, not ${JSON.stringify(raw)}`);
  return n >>> 0;
}

/** A mulberry32 generator: 32-bit state, fast, good enough to spread test cases (not for cryptography). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    seed: seed >>> 0,
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty array');
      return items[int(0, items.length - 1)]!;
    },
  };
}
