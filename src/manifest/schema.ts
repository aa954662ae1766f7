/** The JSON Schema check (schemas/webhooks.schema.json), its errors translated into friendly issues. */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { error, showPath, type Issue, type Path } from './issue.js';
import { escapeControl } from '../shared/text.js';
import { quote } from './quote.js';
import { SCHEMA_URL } from './schema-options.js';
import { suggest } from '../shared/suggest.js';
import { manifestValidator } from './validator.js';

export { SCHEMA_URL };

/** Keywords whose failures rules.ts reports with better messages (it checks blank values, uuids and urls). */
const LEFT_TO_RULES = new Set(['if', 'minLength', 'pattern']);

/** Every way `value` breaks the schema, one issue each. */
export function checkSchema(value: unknown): Issue[] {
  return schemaIssues(manifestValidator(), value);
}

/**
 * Every way `value` breaks the schema `check` was compiled from, one issue each, worded by `translate` (a file
 * type's own wording, falling back to translateSchemaError for the rest).
 */
export function schemaIssues(check: ValidateFunction, value: unknown, translate: TranslateSchemaError = translateSchemaError): Issue[] {
  if (check(value)) return [];
  const errors = (check.errors ?? []).filter((e) => !LEFT_TO_RULES.has(e.keyword));
  // A value of the wrong type fails its other keywords too; only the type matters then.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const issues = errors
    .filter((e) => e.keyword === 'type' || !wrongType.has(e.instancePath))
    .map((e) => translate(e, toPath(e.instancePath, value), value));
  // `event_typ: …` makes event_type missing too; the "did you mean" says it all.
  const suggested = new Set(issues.flatMap((i) => (i.suggestion ? [`${i.path.slice(0, -1).join('/')}#${i.suggestion}`] : [])));
  return issues
    .filter((i) => !(i.missing && suggested.has(`${i.path.join('/')}#${i.missing}`)))
    .map(({ suggestion: _s, missing: _m, ...issue }) => issue);
}

/** An issue, with what it suggests or misses so overlapping ones can be dropped. */
export type Translated = Issue & { suggestion?: string; missing?: string };

/** Words one ajv error at `path` of `value`. */
export type TranslateSchemaError = (e: ErrorObject, path: Path, value: unknown) => Translated;

/** An ajv instancePath (JSON pointer) as a data path, indexes of arrays as numbers. */
function toPath(pointer: string, root: unknown): Path {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(seg));
      node = node[Number(seg)];
    } else {
      path.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

/** The manifest's wording of an ajv error; `unknown-key` and `invalid-value` errors come with a "did you mean". */
export function translateSchemaError(e: ErrorObject, path: Path, value: unknown): Translated {
  const where = showPath(path, value);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return error(path, 'wrong-type', wrongType(where, String(params.type), e.data));
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const near = suggest(key, allowed);
      const place = path.length === 0 ? 'at the top level' : `in ${where}`;
      const fix = near ? `did you mean "${near}"?` : `the keys allowed here are: ${allowed.join(', ')}.`;
      const issue = error([...path, key], 'unknown-key', `unknown key ${quote(key)} ${place}; ${fix}`, 'key');
      return near ? { ...issue, suggestion: near } : issue;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      if (allowed.length === 1) {
        return error(
          path,
          'invalid-value',
          `${where} must be "${allowed[0]}", the only value RD Station accepts, not ${quote(e.data)}; remove the key to get it by default.`,
        );
      }
      const near = typeof e.data === 'string' ? suggest(e.data, allowed) : undefined;
      const fix = near ? `did you mean "${near}"?` : `use one of: ${allowed.join(', ')}.`;
      return error(path, 'invalid-value', `${where}: ${quote(e.data)} is not a valid value; ${fix}`);
    }
    case 'const':
      return error(
        path,
        'unsupported-version',
        `unsupported version ${typeof e.data === 'number' ? e.data : quote(e.data)}; this rdhooks reads version 1 manifests. Set "version: 1".`,
      );
    case 'required': {
      const key = String(params.missingProperty);
      if (path.length === 0) {
        return error(path, 'missing-key', `missing "${key}" at the top level; add "${key}: 1" as the first line after the comments.`);
      }
      return {
        ...error(
          path,
          'missing-key',
          `${where} has no ${key}; an entry needs event_type and url (or "ensure: absent" and a uuid to delete a webhook).`,
        ),
        missing: key,
      };
    }
    case 'minimum':
      return error(path, 'invalid-value', `${where} must be ${String(params.limit)} or more, not ${String(e.data)}.`);
    case 'minProperties':
      return error(path, 'empty-ignore-rule', `${where} is empty; an ignore rule needs at least one of uuid, event_type, url.`);
    default:
      return error(path, 'schema', `${where} ${e.message ?? 'is invalid'}.`);
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  array: 'a list',
  'array,null': 'a list',
  object: 'a mapping (key: value lines)',
};

function wrongType(where: string, expected: string, data: unknown): string {
  if (data === null) return `${where} is empty; give it a value or remove the key.`;
  const want = TYPE_NAMES[expected] ?? expected;
  const found = Array.isArray(data)
    ? 'a list'
    : typeof data === 'object'
      ? 'a mapping'
      : typeof data === 'string'
        ? `the text ${quote(data)}`
        : String(data);
  let fix = '';
  if (expected === 'string' && (typeof data === 'number' || typeof data === 'boolean')) fix = ` Quote it: "${String(data)}".`;
  else if (expected.startsWith('array') && typeof data === 'string') fix = ` Write it as [${escapeControl(data)}].`;
  else if (expected === 'boolean' && typeof data === 'string') fix = ' Write true or false without quotes.';
  else if (expected === 'integer' && typeof data === 'string') fix = ' Write the number without quotes.';
  return `${where} must be ${want}, not ${found}.${fix}`;
}
