/** The bounds a manifest must stay within, so no input can exhaust the stack, memory or time. */

/**
 * How deeply collections may nest. A real manifest is about 4 levels deep (the top level, webhooks, an entry,
 * a list); the yaml composer, ajv and the tree walks recurse once per level and overflow the stack at a few
 * thousand, which the 4 MiB size limit easily holds.
 */
export const MAX_DEPTH = 64;

/**
 * How many nodes aliases may copy into the data, all uses counted: far more than thousands of entries sharing an
 * anchor need, about what a 4 MiB manifest written out in full holds, and far below a "billion laughs".
 */
export const MAX_ALIAS_NODES = 1_000_000;

/** The message of a `too-deep` diagnostic. */
export function tooDeepMessage(throughAlias = false): string {
  const what = throughAlias ? 'this alias makes the data' : 'the data here is';
  return `${what} nested more than ${MAX_DEPTH} levels; a manifest is a few levels deep (webhooks, an entry, a list). Check for unclosed brackets or runaway indentation.`;
}
