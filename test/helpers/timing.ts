/**
 * Time in tests that must hold on a busy machine: hang guards of tens of seconds, and complexity claims as ratios
 * measured in one run (each function timed several times, interleaved with the others so a busy spell slows
 * them alike, its best time kept). Never a tighter wall-clock bound.
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

/** `promise`, or a rejection after `ms` (default 20 s): a test of something that could block fails instead of hanging. */
export function hangGuard<T>(promise: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms / 1000} s: it hangs`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
