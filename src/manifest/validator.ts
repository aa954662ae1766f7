/**
 * The manifest schema's validator, compiled with ajv on first use. `npm run build` bundles the CLI and the library
 * with this module replaced by the same validator precompiled (ajv standalone code, scripts/build.js), so they
 * neither import nor run ajv's compiler; sources run as they are (tests) compile it here.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { AJV_OPTIONS, SCHEMA_URL } from './schema-options.js';

let validate: ValidateFunction | undefined;

/** The validator of schemas/webhooks.schema.json. */
export function manifestValidator(): ValidateFunction {
  validate ??= new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object);
  return validate;
}
