/**
 * How the manifest schema is compiled, shared by validator.ts (sources) and scripts/build.js (the precompiled
 * validator of the bundle), so the two can never disagree.
 */
import type { Options } from 'ajv';

/** The manifest schema, also used by editors through yaml-language-server. */
export const SCHEMA_URL = new URL('../../schemas/webhooks.schema.json', import.meta.url);

/** ajv's options for the manifest schema. */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  logger: false,
};
