/** "Did you mean …" for misspelled keys and enum values. */

/** Levenshtein edit distance between `a` and `b`. */
export function distance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `input`, or undefined when none is close enough to be a likely typo.
 * Case is ignored, so `webhook.converted` finds `WEBHOOK.CONVERTED`.
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.trim().toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(needle, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  // About a third of the word may be wrong; short words still allow two edits.
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
