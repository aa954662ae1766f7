/** Choosing accounts of a workspace by name (`--account`). */
import { UserError } from '../shared/errors.js';
import { suggest } from '../shared/suggest.js';
import { escapeControl } from '../shared/text.js';
import type { Workspace, WorkspaceAccount } from './types.js';

/**
 * The accounts named in `names`, in workspace order (each once); every account when `names` is empty. An unknown
 * name is a UserError naming the workspace's accounts, with a "did you mean".
 */
export function selectAccounts(workspace: Workspace, names: readonly string[]): WorkspaceAccount[] {
  if (names.length === 0) return workspace.accounts;
  const known = workspace.accounts.map((a) => a.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    const first = unknown[0] as string;
    const near = suggest(first, known);
    const listed = unknown.map((n) => JSON.stringify(escapeControl(n))).join(', ');
    throw new UserError(
      `${escapeControl(workspace.path)} has no ${unknown.length === 1 ? 'account' : 'accounts'} named ${listed}${near !== undefined ? `; did you mean "${near}"?` : '.'}`,
      `Its accounts: ${known.join(', ')}. --account takes the name of an entry of accounts.`,
    );
  }
  const wanted = new Set(names);
  return workspace.accounts.filter((a) => wanted.has(a.name));
}
