/**
 * The flags that run a command over a workspace (--workspace, --account, --parallel) and which workspace, if any, a
 * command runs. Light: validate loads it at start-up, so it reaches neither the network nor the emulator.
 */
import type { Argv } from 'yargs';
import { escapeControl } from '../shared/text.js';
import { WORKSPACE_FILE } from '../workspace/types.js';
import { UsageError, type ParsedArgs } from './command.js';
import type { Io } from './io.js';
import { DEFAULTS, listFlag, numberFlag, stringFlag } from './options.js';

/** --workspace, --account and --parallel, checked. */
export interface WorkspaceOptions {
  file?: string;
  accounts: string[];
  parallel: number;
}

/** Adds --workspace, --account and --parallel. */
export function workspaceFlags(y: Argv): Argv {
  return y
    .option('workspace', { type: 'string', describe: `Run the accounts of this workspace file (default ./${WORKSPACE_FILE}, when it exists and no manifest is given)` })
    .option('account', { type: 'string', array: true, describe: 'Only this account of the workspace; repeatable' })
    .option('parallel', { type: 'number', default: DEFAULTS.parallel, describe: 'Accounts of the workspace worked on at once' });
}

/** Reads --workspace, --account and --parallel. */
export function parseWorkspaceArgs(argv: ParsedArgs): WorkspaceOptions {
  const file = stringFlag(argv, 'workspace');
  return {
    ...(file !== undefined ? { file } : {}),
    accounts: listFlag(argv, 'account'),
    parallel: numberFlag(argv, 'parallel', DEFAULTS.parallel, { min: 1, max: 64, integer: true }),
  };
}

/**
 * The workspace file a command runs: --workspace, else ./rdhooks.workspace.yaml when no manifest is named and it
 * exists; undefined for a single manifest.
 */
export async function chooseWorkspace(manifest: string | undefined, o: WorkspaceOptions, io: Io): Promise<string | undefined> {
  if (o.file !== undefined) {
    if (manifest !== undefined) throw new UsageError(`Give a manifest or --workspace, not both (${escapeControl(manifest)} and --workspace ${escapeControl(o.file)}).`, 'A workspace names each account\'s manifest itself.');
    return o.file;
  }
  if (manifest === undefined) {
    const { findWorkspace } = await import('../workspace/load.js');
    const found = await findWorkspace(io.cwd);
    if (found !== undefined) return found;
  }
  if (o.accounts.length > 0) {
    throw new UsageError(`--account selects accounts of a workspace, and there is none here (no --workspace, no ./${WORKSPACE_FILE}).`, 'Pass --workspace FILE, or leave --account out to run the manifest alone.');
  }
  return undefined;
}
