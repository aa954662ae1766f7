/**
 * Loading a workspace file with the manifest loader's machinery: read, parse with positions, `${VAR}`, schema and
 * rules, every problem at once. Inline manifests are set aside here and checked per account (loadAccountManifest),
 * so one account's broken manifest fails that account alone. Never throws or prints.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Locate } from '../manifest/issue.js';
import { checkParsed } from '../manifest/load.js';
import { parseManifest } from '../manifest/parse.js';
import { readManifestFile } from '../manifest/read.js';
import type { Diagnostic, SourcePosition } from '../manifest/types.js';
import { escapeControl } from '../shared/text.js';
import { checkWorkspaceRules, defaultEnvPrefix, namedIssue } from './rules.js';
import { checkWorkspaceSchema } from './schema.js';
import { WORKSPACE_FILE, type CredentialSource, type ManifestDefaults, type WorkspaceAccount, type WorkspaceLoadResult } from './types.js';

/** Options of loadWorkspace. */
export interface LoadWorkspaceOptions {
  /** Directory a relative `path` is read from, and paths are reported relative to; default the process's. */
  cwd?: string;
}

/** `rdhooks.workspace.yaml` when the folder `cwd` has one (of any kind: loading it says what is wrong), else undefined. */
export async function findWorkspace(cwd: string): Promise<string | undefined> {
  try {
    await stat(join(cwd, WORKSPACE_FILE));
    return WORKSPACE_FILE;
  } catch {
    return undefined;
  }
}

/**
 * Loads the workspace at `path` (reported as given), with `${VAR}` taken from `env`. Resolves to every diagnostic
 * found, sorted by position, and to the workspace only when none is an error.
 */
export async function loadWorkspace(path: string, env: NodeJS.ProcessEnv, options: LoadWorkspaceOptions = {}): Promise<WorkspaceLoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const absolute = resolve(cwd, path);
  const read = await readManifestFile(absolute, path);
  if (!read.ok) return { diagnostics: [reworded(read.diagnostic, path)] };
  const { text, sha256 } = read;

  const parsed = parseManifest(text, path);
  parsed.diagnostics = parsed.diagnostics.map((d) => reworded(d, path));
  // Inline manifests are set aside (an empty mapping stands in), so `${VAR}` and checks here are the workspace's own.
  const { value: withoutInline, inline } = setAsideInline(parsed.value);
  const dir = dirname(absolute);
  const checked = checkParsed({ ...parsed, value: withoutInline }, text, env, (data, lineOf) =>
    [...checkWorkspaceSchema(data), ...checkWorkspaceRules(data, lineOf, dir)].map((issue) => namedIssue(issue, data)),
  );
  if (checked.data === undefined || checked.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: checked.diagnostics, text };
  const entries = (checked.data as { accounts: WrittenAccount[] }).accounts;
  const accounts = entries.map((entry, i) => toAccount(entry, i, { inline, locate: parsed.locate, dir, cwd }));
  return { workspace: { path, sha256, text, cwd, accounts }, diagnostics: checked.diagnostics, text };
}

/** An account entry as written, once it passed the schema and the rules. */
interface WrittenAccount {
  name: string;
  manifest: string | Record<string, never>;
  account: string;
  credentials?: { env_prefix?: string; env_file?: string };
  defaults?: ManifestDefaults;
}

function toAccount(
  entry: WrittenAccount,
  index: number,
  context: { inline: Map<number, Record<string, unknown>>; locate: Locate; dir: string; cwd: string },
): WorkspaceAccount {
  const at = ['accounts', index] as const;
  const data = context.inline.get(index);
  const manifest: WorkspaceAccount['manifest'] =
    data !== undefined
      ? { kind: 'inline', data, locate: (p, target) => context.locate([...at, 'manifest', ...p], target) }
      : { kind: 'file', path: shownPath(entry.manifest as string, context), at: position(context.locate([...at, 'manifest'])) };
  const file = entry.credentials?.env_file;
  const credentials: CredentialSource =
    file !== undefined ? { envFile: shownPath(file, context) } : { prefix: entry.credentials?.env_prefix ?? defaultEnvPrefix(entry.name) };
  return {
    name: entry.name,
    account: entry.account,
    manifest,
    credentials,
    ...(entry.defaults !== undefined ? { defaults: entry.defaults } : {}),
    source: position(context.locate(at)),
    accountSource: position(context.locate([...at, 'account'])),
  };
}

/** The entries' inline manifests, by account index, and the data with an empty mapping in their place. */
function setAsideInline(value: unknown): { value: unknown; inline: Map<number, Record<string, unknown>> } {
  const inline = new Map<number, Record<string, unknown>>();
  if (!isRecord(value) || !Array.isArray(value.accounts)) return { value, inline };
  const accounts = value.accounts.map((entry: unknown, i) => {
    if (!isRecord(entry) || !isRecord(entry.manifest)) return entry;
    inline.set(i, entry.manifest);
    return { ...entry, manifest: {} };
  });
  return { value: { ...value, accounts }, inline };
}

/**
 * A path written in the workspace as the user would type it from the working directory: resolved from the
 * workspace's folder and shown relative to `cwd`; an absolute one as written.
 */
function shownPath(written: string, context: { dir: string; cwd: string }): string {
  if (isAbsolute(written)) return written;
  return relative(context.cwd, resolve(context.dir, written)) || '.';
}

/** A file-level problem in the workspace's words: the manifest reader's say "manifest" and point at manifest examples. */
function reworded(d: Diagnostic, path: string): Diagnostic {
  const file = escapeControl(path);
  const message = WORDING[d.code]?.(file, d.message);
  return message === undefined ? d : { ...d, message };
}

const WORDING: Record<string, (file: string, original: string) => string | undefined> = {
  'file-not-found': (file) =>
    `${file} does not exist. Create it (the README's "Several accounts" shows one) or pass the workspace's path: --workspace path/to/${WORKSPACE_FILE}`,
  'file-unreadable': (file, original) =>
    original.includes(' is a directory;') ? `${file} is a directory; pass the workspace file inside it, e.g. ${file.replace(/\/+$/, '')}/${WORKSPACE_FILE}` : undefined,
  'not-a-file': (file, original) => {
    const rest = original.slice(file.length + 1);
    const what = rest.slice(0, rest.indexOf('; rdhooks reads'));
    return `${file} ${what}; rdhooks reads a workspace only from a regular file, never a pipe or a device. Save it to a file and pass that path.`;
  },
  'file-too-large': (_file, original) => original.replace(/; a webhooks manifest is a few KiB\./, '; a workspace is a few KiB, its manifests included.'),
  'empty-file': (file, original) =>
    original.includes('only comments')
      ? `${file} has no content, only comments. Add "version: 1" and accounts (see the README, "Several accounts").`
      : `${file} is empty. A workspace needs "version: 1" and accounts (see the README, "Several accounts").`,
  'not-a-mapping': (file, original) => {
    const found = /, but it is (.*)\. Start the file/.exec(original)?.[1];
    return found && `the top level of ${file} must be a mapping of keys (version, accounts), but it is ${found}. Start the file with "version: 1".`;
  },
  'multiple-documents': () => 'a second YAML document starts here; a workspace is one document. Remove the "---" line and merge what follows.',
};

function position(p: SourcePosition): SourcePosition {
  return { file: p.file, line: p.line, column: p.column };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
