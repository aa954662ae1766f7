/** The checks of a workspace beyond its schema: names, credential sources, account names, defaults. Pure. */
import { resolve } from 'node:path';
import { error, showPath, warning, type Issue, type Path } from '../manifest/issue.js';
import { quote } from '../manifest/quote.js';
import { checkRules } from '../manifest/rules.js';

type Data = Record<string, unknown>;

/** What a workspace account's name may be: it is typed after --account, and becomes part of variable names. */
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** What an env_prefix may be: the start of environment variable names, ending in `_`. */
const ENV_PREFIX = /^[A-Za-z_][A-Za-z0-9_]*_$/;

/** The prefix of an account's environment variables when its entry names none: `RDSTATION_ACME_CORP_` for acme-corp. */
export function defaultEnvPrefix(name: string): string {
  return `RDSTATION_${name.toUpperCase().replace(/-/g, '_')}_`;
}

/**
 * Every rule broken by `data` (the interpolated, trimmed workspace). Works on data the schema may have rejected,
 * looking only at values of the expected type. `dir` is the workspace's folder (env files are resolved from it);
 * `lineOf` names other occurrences.
 */
export function checkWorkspaceRules(data: unknown, lineOf: (path: Path) => number, dir: string): Issue[] {
  if (!isData(data) || !Array.isArray(data.accounts)) return [];
  const issues: Issue[] = [];
  const names = new Map<string, Path>();
  const sources = new Map<string, Path>();
  const accounts = new Map<string, Path>();

  data.accounts.forEach((entry, i) => {
    if (!isData(entry)) return;
    const at: Path = ['accounts', i];
    for (const key of ['name', 'manifest', 'account'] as const) {
      if (entry[key] === '') issues.push(emptyValue([...at, key], data));
    }
    const name = nonEmpty(entry.name);
    const validName = name !== undefined && ACCOUNT_NAME.test(name) ? name : undefined;
    if (name !== undefined && validName === undefined) issues.push(invalidName([...at, 'name'], name));
    const duplicate = name !== undefined && names.has(name);
    if (name !== undefined && duplicate) {
      const first = names.get(name) as Path;
      issues.push(error([...at, 'name'], 'duplicate-name', `duplicate name ${quote(name)}: also at line ${lineOf(first)}; --account tells accounts apart by name. Rename one.`));
    } else if (name !== undefined) names.set(name, [...at, 'name']);

    // A repeated name already says it: its default credentials are the first one's too.
    const source = credentialKey(entry, duplicate ? undefined : validName, dir, [...at, 'credentials'], data, issues);
    if (source !== undefined) {
      const first = sources.get(source.key);
      if (first) {
        issues.push(
          error(
            source.path,
            'duplicate-credentials',
            `${accountLabel(data, i)} uses the same credentials as ${accountLabel(data, first[1])} at line ${lineOf(first)} (${source.what}): both would plan and apply one RD Station account at once. Give each account its own credentials.`,
            'key',
          ),
        );
      } else sources.set(source.key, source.path);
    }

    const account = nonEmpty(entry.account);
    if (account !== undefined) {
      const first = accounts.get(account);
      if (first) {
        issues.push(
          warning(
            [...at, 'account'],
            'duplicate-account',
            `account ${quote(account)} is also the account of ${accountLabel(data, first[1])} at line ${lineOf(first)}; if both are one RD Station account, their plans undo each other. Remove one, or fix the name.`,
          ),
        );
      } else accounts.set(account, [...at, 'account']);
    }

    // The manifest's own rules for defaults (blank event identifiers), at this account's defaults.
    if (isData(entry.defaults)) {
      for (const issue of checkRules({ defaults: entry.defaults }, lineOf)) issues.push({ ...issue, path: [...at, ...issue.path] });
    }
  });
  return issues;
}

/**
 * What identifies the account's credentials, for telling two accounts that share them; problems with the
 * credentials entry are pushed to `issues`. Undefined when the entry gives no usable source.
 */
function credentialKey(
  entry: Data,
  name: string | undefined,
  dir: string,
  at: Path,
  data: Data,
  issues: Issue[],
): { key: string; what: string; path: Path } | undefined {
  if (entry.credentials === undefined) {
    if (name === undefined) return undefined;
    const prefix = defaultEnvPrefix(name);
    return { key: `env:${prefix}`, what: `the environment variables ${prefix}*, by default`, path: [...at.slice(0, 2), 'name'] };
  }
  if (!isData(entry.credentials)) return undefined;
  const { env_prefix: prefix, env_file: file } = entry.credentials;
  for (const key of ['env_prefix', 'env_file'] as const) {
    if (entry.credentials[key] === '') issues.push(emptyValue([...at, key], data));
  }
  if (prefix !== undefined && file !== undefined) return undefined;
  if (typeof prefix === 'string' && prefix !== '') {
    if (!ENV_PREFIX.test(prefix)) {
      issues.push(invalidPrefix([...at, 'env_prefix'], prefix));
      return undefined;
    }
    return { key: `env:${prefix}`, what: `the environment variables ${prefix}*`, path: [...at, 'env_prefix'] };
  }
  if (typeof file === 'string' && file !== '') return { key: `file:${resolve(dir, file)}`, what: `the env file ${quote(file)}`, path: [...at, 'env_file'] };
  return undefined;
}

function invalidName(path: Path, name: string): Issue {
  const near = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '');
  const fix = near !== '' ? `; e.g. ${quote(near)}` : '';
  return error(
    path,
    'invalid-name',
    `name ${quote(name)} is not an account name: use lower-case letters, digits, - and _, starting with a letter or digit (it is what --account selects)${fix}.`,
  );
}

function invalidPrefix(path: Path, prefix: string): Issue {
  const near = /^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix) ? `${prefix}_` : 'RDSTATION_ACME_';
  return error(
    path,
    'invalid-env-prefix',
    `env_prefix ${quote(prefix)} must be the start of environment variable names (letters, digits and _), ending in "_": rdhooks appends CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN and ACCESS_TOKEN to it; e.g. ${quote(near)}.`,
  );
}

function emptyValue(path: Path, data: Data): Issue {
  return error(path, 'empty-value', `${showPath(path, data)} is empty; give it a value or remove the key.`);
}

/** How messages name account `index`: `accounts[1] ("acme")`, or `accounts[1]` while it has no name. */
function accountLabel(data: Data, index: Path[number] | undefined): string {
  const entry: unknown = Array.isArray(data.accounts) && typeof index === 'number' ? data.accounts[index] : undefined;
  const name = isData(entry) && typeof entry.name === 'string' && entry.name !== '' ? entry.name : undefined;
  return `accounts[${String(index)}]${name === undefined ? '' : ` (${quote(name, 40)})`}`;
}

/**
 * The issue, naming the account it is in when that account has a name: `accounts[1] ("acme").credentials …`, or
 * `accounts[1] ("acme"): …` when the message does not show where it is.
 */
export function namedIssue(issue: Issue, data: unknown): Issue {
  const [list, index] = issue.path;
  if (list !== 'accounts' || typeof index !== 'number' || !isData(data)) return issue;
  const shown = accountLabel(data, index);
  const plain = `accounts[${index}]`;
  if (shown === plain || issue.message.includes(shown)) return issue;
  const at = issue.message.indexOf(plain);
  const message = at >= 0 ? `${issue.message.slice(0, at)}${shown}${issue.message.slice(at + plain.length)}` : `${shown}: ${issue.message}`;
  return { ...issue, message };
}

function isData(v: unknown): v is Data {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
