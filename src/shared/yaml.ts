/** How rdhooks parses YAML: one set of options for the loader, pin, and the workspace file. */

/**
 * Aliases are fine, exponential expansion is not: yaml multiplies alias uses by their nested aliases and
 * throws past this count. High enough for hundreds of entries sharing an anchor, far below a "billion laughs".
 */
export const MAX_ALIAS_COUNT = 10_000;

/** `parseDocument` options: duplicate keys are errors, `<<: *anchor` merges, errors keep their raw positions. */
export const YAML_PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false, merge: true } as const;

/** `toJS` options: the alias bound above. */
export const YAML_TO_JS_OPTIONS = { maxAliasCount: MAX_ALIAS_COUNT } as const;
