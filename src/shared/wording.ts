/** Small wording helpers shared by every message. */

/** `1 webhook`, `2 webhooks`: a count with its noun, plural unless one. */
export function count(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}
