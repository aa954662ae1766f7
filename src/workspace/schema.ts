/** The JSON Schema check of a workspace (schemas/workspace.schema.json), worded as the manifest's is. */
import type { ErrorObject } from 'ajv';
import { error, showPath, type Issue, type Path } from '../manifest/issue.js';
import { quote } from '../manifest/quote.js';
import { schemaIssues, translateSchemaError, type Translated } from '../manifest/schema.js';
import { workspaceValidator } from './validator.js';

/** Every way `value` breaks the workspace schema, one issue each. Inline manifests are checked as manifests, later. */
export function checkWorkspaceSchema(value: unknown): Issue[] {
  return schemaIssues(workspaceValidator(), value, translate);
}

/** What each key of an account is for, in the message that says it is missing. */
const ACCOUNT_KEYS: Record<string, string> = {
  name: 'give it a short id such as "acme": --account selects it, and plans and errors show it',
  manifest: "give the path of its manifest (relative to this file) or write the manifest here as a mapping",
  account: 'give the name of its RD Station account, as RD Station shows it: rdhooks refuses credentials of another account',
};

/** The workspace's wording where it differs from the manifest's; the manifest's for the rest. */
function translate(e: ErrorObject, path: Path, value: unknown): Translated {
  const where = showPath(path, value);
  switch (e.keyword) {
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      if (path.length === 0 && key === 'accounts') {
        return { ...error(path, 'missing-key', 'missing "accounts" at the top level; list the accounts, each with name, manifest and account.'), missing: key };
      }
      if (path.length === 0) return translateSchemaError(e, path, value);
      return { ...error(path, 'missing-key', `${where} has no ${key}; ${ACCOUNT_KEYS[key] ?? 'add it'}.`), missing: key };
    }
    case 'const':
      return error(
        path,
        'unsupported-version',
        `unsupported version ${typeof e.data === 'number' ? e.data : quote(e.data)}; this rdhooks reads version 1 workspaces. Set "version: 1".`,
      );
    case 'minItems':
      return error(path, 'no-accounts', 'accounts is empty; list at least one account, with name, manifest and account.');
    case 'minProperties':
    case 'maxProperties':
      return error(
        path,
        'credentials-source',
        `${where} must give exactly one of env_prefix and env_file${e.keyword === 'minProperties' ? '' : ', not both'}; leave credentials out for the default prefix RDSTATION_<NAME>_.`,
      );
    case 'type':
      if (path.at(-1) === 'manifest' && path.length === 3) {
        const found = e.data === null ? 'empty' : Array.isArray(e.data) ? 'a list' : String(e.data);
        return error(path, 'wrong-type', `${where} must be a path (text) or a manifest (a mapping), not ${found}.`);
      }
      return translateSchemaError(e, path, value);
    default:
      return translateSchemaError(e, path, value);
  }
}
