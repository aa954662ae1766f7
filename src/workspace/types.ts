/** Types of a workspace: several RD Station accounts, each with its manifest, expected name and credentials. */
import type { Locate } from '../manifest/issue.js';
import type { Diagnostic, SourcePosition, WrittenManifest } from '../manifest/types.js';

/** The file name `findWorkspace` looks for. */
export const WORKSPACE_FILE = 'rdhooks.workspace.yaml';

/**
 * Where an account's credentials are: environment variables under a prefix (`RDSTATION_ACME_CLIENT_ID`, …), or an
 * env file holding the usual `RDSTATION_*` names (a path relative to the working directory).
 */
export type CredentialSource = { prefix: string; envFile?: undefined } | { envFile: string; prefix?: undefined };

/** An account's manifest: a file (its path relative to the working directory), or written inside the workspace. */
export type AccountManifestSource =
  /** `at`: where the path is written in the workspace file. */
  | { kind: 'file'; path: string; at: SourcePosition }
  /** `data` as parsed (before `${VAR}`), and where its paths are in the workspace file. */
  | { kind: 'inline'; data: Record<string, unknown>; locate: Locate };

/** Defaults a workspace gives an account's manifest, under the manifest's own. */
export type ManifestDefaults = NonNullable<WrittenManifest['defaults']>;

/** One account of a workspace. */
export interface WorkspaceAccount {
  /** Its id in the workspace: what `--account` selects. */
  name: string;
  /** The RD Station account name the credentials must belong to (the manifest's `account:` guard). */
  account: string;
  manifest: AccountManifestSource;
  credentials: CredentialSource;
  defaults?: ManifestDefaults;
  /** Where the account's entry is in the workspace file. */
  source: SourcePosition;
  /** Where its `account:` is in the workspace file. */
  accountSource: SourcePosition;
}

/** A workspace file, loaded and valid. */
export interface Workspace {
  /** The workspace file, as given. */
  path: string;
  /** sha256 of its bytes, hex: the `manifest.sha256` of plans made from an inline manifest. */
  sha256: string;
  /** Its text, for code frames of diagnostics pointing into inline manifests. */
  text: string;
  /** The working directory paths are reported relative to. */
  cwd: string;
  accounts: WorkspaceAccount[];
}

/** What loading a workspace yields: the workspace only when there are no errors, and every diagnostic found. */
export interface WorkspaceLoadResult {
  workspace?: Workspace;
  diagnostics: Diagnostic[];
  /** The file's text, for code frames. */
  text?: string;
}
