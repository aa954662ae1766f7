/**
 * Loading one account's manifest: its file (resolved from the workspace's folder) or the manifest written inside
 * the workspace, with the workspace's defaults under its own and the workspace's account name as its guard.
 */
import { resolve } from 'node:path';
import { error } from '../manifest/issue.js';
import { checkManifest, checkParsed, type DataCheck } from '../manifest/load.js';
import { normalizeManifest } from '../manifest/normalize.js';
import { parseManifest, type ParsedManifest } from '../manifest/parse.js';
import { quote } from '../manifest/quote.js';
import { readManifestFile } from '../manifest/read.js';
import type { Diagnostic, LoadResult, WrittenManifest } from '../manifest/types.js';
import { escapeControl } from '../shared/text.js';
import type { Workspace, WorkspaceAccount } from './types.js';

/** A manifest's data ready to check, and what plans record of where it came from. */
interface Source extends ParsedManifest {
  text: string;
  path: string;
  sha256: string;
}

/**
 * Loads `account`'s manifest, with `${VAR}` taken from `env`, as loadManifest loads a manifest file: every
 * diagnostic, and the manifest only when none is an error. A manifest file is reported by its path from the
 * working directory; an inline one by the workspace file (its diagnostics point into it, and plans record the
 * workspace's path and sha256). The workspace's `defaults` go under the manifest's own; the manifest's `account:`
 * is the workspace's, and one the manifest gives itself must agree with it.
 */
export async function loadAccountManifest(workspace: Workspace, account: WorkspaceAccount, env: NodeJS.ProcessEnv): Promise<LoadResult> {
  const source = await sourceOf(workspace, account);
  if ('failed' in source) return source.failed;
  const { text, path, sha256, locate } = source;
  const check: DataCheck = (data, lineOf) => [...checkManifest(data, lineOf), ...agreement(data, workspace, account)];
  const checked = checkParsed(source, text, env, check);
  if (checked.data === undefined || checked.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: checked.diagnostics, text };
  const written = checked.data as WrittenManifest;
  const defaults = account.defaults === undefined ? written.defaults : { ...account.defaults, ...written.defaults };
  const manifest = normalizeManifest({ ...written, ...(defaults !== undefined ? { defaults } : {}) }, { path, sha256, locate });
  return { manifest: { ...manifest, account: account.account }, diagnostics: checked.diagnostics, text };
}

async function sourceOf(workspace: Workspace, account: WorkspaceAccount): Promise<Source | { failed: LoadResult }> {
  const manifest = account.manifest;
  if (manifest.kind === 'inline') {
    // version is implied: the workspace's own version says which format its manifests are in.
    const value = { version: 1, ...manifest.data };
    return { value, locate: manifest.locate, diagnostics: [], text: workspace.text, path: workspace.path, sha256: workspace.sha256 };
  }
  const read = await readManifestFile(resolve(workspace.cwd, manifest.path), manifest.path);
  // Pointed at the path in the workspace, which is where it is fixed.
  if (!read.ok) return { failed: { diagnostics: [{ ...read.diagnostic, ...manifest.at, message: unreadable(read.diagnostic, account) }], text: workspace.text } };
  return { ...parseManifest(read.text, manifest.path), text: read.text, path: manifest.path, sha256: read.sha256 };
}

/** Why the account's manifest file cannot be read, in the workspace's words where the reader's speak of `validate`. */
function unreadable(d: Diagnostic, account: WorkspaceAccount): string {
  if (d.code !== 'file-not-found' || account.manifest.kind !== 'file') return d.message;
  return `the manifest of ${quote(account.name)}, ${quote(account.manifest.path, 200)}, does not exist (a path in a workspace is relative to its folder). Fix the path, or create the manifest (examples/minimal.yaml is a start).`;
}

/** The manifest's own `account:`, when it has one, must be the account the workspace expects. */
function agreement(data: unknown, workspace: Workspace, account: WorkspaceAccount): ReturnType<DataCheck> {
  const own = data !== null && typeof data === 'object' ? (data as { account?: unknown }).account : undefined;
  if (typeof own !== 'string' || own === '' || own === account.account) return [];
  const where = `${escapeControl(workspace.path)}:${account.accountSource.line}`;
  return [
    error(
      ['account'],
      'account-mismatch',
      `account ${quote(own)} differs from ${quote(account.account)}, the account ${where} expects for ${quote(account.name)}; the manifest and the workspace must name the same RD Station account. Make them agree, or remove account: from the manifest.`,
    ),
  ];
}
