/**
 * The workspace schema's validator, compiled with ajv on first use. `npm run build` replaces this module with the
 * same validator precompiled (ajv standalone code, scripts/build.js), as it does the manifest's, so `validate`
 * never loads ajv's compiler; sources run as they are (tests) compile it here.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { AJV_OPTIONS } from '../manifest/schema-options.js';

/** The workspace schema, also used by editors through yaml-language-server. */
const WORKSPACE_SCHEMA_URL = new URL('../../schemas/workspace.schema.json', import.meta.url);

let validate: ValidateFunction | undefined;

/** The validator of schemas/workspace.schema.json. */
export function workspaceValidator(): ValidateFunction {
  validate ??= new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(WORKSPACE_SCHEMA_URL, 'utf8')) as object);
  return validate;
}
