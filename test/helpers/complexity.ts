/**
 * Complexity claims tested as ratios measured in one run, so they hold on a busy machine: each function is
 * timed several times, interleaved with the others so a busy spell slows them alike, and its best time kept.
 */
import { performance } from 'node:perf_hooks';

/** The best time in milliseconds of each of `runs`, over `repeats` interleaved rounds. */
export async function bestTimes(runs: readonly (() => unknown)[], repeats = 5): Promise<number[]> {
  const best = runs.map(() => Infinity);
  for (let round = 0; round < repeats; round++) {
    for (const [i, run] of runs.entries()) {
      const started = performance.now();
      await run();
      best[i] = Math.min(best[i]!, performance.now() - started);
    }
  }
  return best;
}

/** How many times longer `slow` takes than `base`, each at its best of `repeats` interleaved rounds. */
export async function timeRatio(slow: () => unknown, base: () => unknown, repeats = 5): Promise<number> {
  const [s, b] = await bestTimes([slow, base], repeats);
  return s! / Math.max(b!, 0.001);
}
