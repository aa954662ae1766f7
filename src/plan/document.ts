/** Reading a saved JSON plan back: the format version first, then the schema the JSON renderer follows. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parseJsonObject } from '../shared/json.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

let validate: ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null } | undefined;

/** Parses and checks a saved plan; returns the Plan, or a sentence saying what is wrong with it. */
export function validatePlanDocument(text: string): Plan | string {
  const doc = parseJsonObject(text);
  if (typeof doc === 'string') return doc;
  const version = (doc as { format_version?: unknown }).format_version;
  if (version !== PLAN_FORMAT_VERSION) {
    return `format_version is ${JSON.stringify(version) ?? 'missing'}, and this rdhooks reads format_version ${PLAN_FORMAT_VERSION}`;
  }
  validate ??= new Ajv({ allErrors: false, strict: false }).compile(
    JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object,
  );
  if (!validate(doc)) {
    const e = validate.errors?.[0];
    return `${e?.instancePath || '(top level)'} ${e?.message ?? 'does not match the plan schema'}`;
  }
  return doc as Plan;
}
