/**
 * How the manifest schema is compiled, shared by schema.ts (run time) and scripts/precompile-schema.js (build
 * time), so the precompiled validator and the run-time fallback can never disagree.
 */
import type { Options } from 'ajv';

/** The manifest schema, also used by editors through yaml-language-server. */
export const SCHEMA_URL = new URL('../../schemas/webhooks.schema.json', import.meta.url);

/**
 * The validator `npm run build` writes beside the compiled schema.js (ajv standalone code), so start-up neither
 * imports nor runs ajv's compiler. Absent when running from src (tests) or after a bare `tsc`.
 */
export const PRECOMPILED_URL = new URL('./webhooks.schema.validate.js', import.meta.url);

/** ajv's options for the manifest schema. */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  logger: false,
};
