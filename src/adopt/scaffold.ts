/** What `rdhooks init` writes into a repository: the manifest, the CI files, the .gitignore lines. Pure. */
import { CI_TEMPLATES, SAMPLE_ACCOUNTS, type CiSystem } from './ci-templates.js';
import { SCHEMA_LINE } from './export.js';

/** A file init writes. */
export interface ScaffoldFile {
  path: string;
  text: string;
  /** Readable by its owner only: an exported manifest holds whole target URLs. */
  private?: boolean;
}

/** The entries part of a starter manifest: none yet, and what one looks like. */
const STARTER_ENTRIES = `webhooks: []
# Entries look like this (see \`rdhooks export\` to start from what the account has):
#  - name: crm-lead-sync
#    event_type: WEBHOOK.CONVERTED
#    url: https://hooks.example.com/rd/converted
#    include_relations: [COMPANY]
`;

/** The manifest init writes when it has no account to export: commented, valid, managing nothing yet. */
export const STARTER_MANIFEST = `# ${SCHEMA_LINE}
# The RD Station Marketing webhooks this repository keeps. \`rdhooks plan\` shows what \`rdhooks apply\` would
# change; a pull request that edits this file gets that plan as a comment. Reference: rdhooks' README.
version: 1
# The RD Station account this manifest is for: commands refuse credentials of another account.
# account: Your account name
${STARTER_ENTRIES}`;

/** The workspace `init --workspace` writes: two sample accounts, each with its own manifest and credentials. */
const STARTER_WORKSPACE = `# ${SCHEMA_LINE.replace('webhooks.schema.json', 'workspace.schema.json')}
# The RD Station Marketing accounts this repository keeps, one manifest each. \`rdhooks plan\` plans them all;
# --account NAME picks one. Reference: rdhooks' README, "Several accounts".
version: 1
accounts:
${SAMPLE_ACCOUNTS.map(
  (a) => `  - name: ${a.name}
    # The RD Station account name: commands refuse credentials of another account.
    account: ${a.account}
    manifest: accounts/${a.name}.yaml
    # Credentials from ${a.prefix}CLIENT_ID, ${a.prefix}CLIENT_SECRET and ${a.prefix}REFRESH_TOKEN
    # (the default for this name), or from an env file: credentials: { env_file: .rdhooks/${a.name}.env }
`,
).join('')}`;

/** An account's starter manifest in the workspace (the workspace names its account). */
const starterAccountManifest = (name: string): string => `# ${SCHEMA_LINE}
# The webhooks of the account "${name}" of rdhooks.workspace.yaml. Reference: rdhooks' README.
version: 1
${STARTER_ENTRIES}`;

/** The lines init makes sure .gitignore has: local state and secrets, and installed packages. */
export const GITIGNORE_LINES = ['.rdhooks/', 'node_modules/'] as const;

/** The files for `manifest` (its text) and `ci`, in the order init writes them. */
export function scaffoldFiles(manifest: { path: string; text: string; private?: boolean }, ci: CiSystem | 'none'): ScaffoldFile[] {
  const ciFiles = ci === 'none' ? [] : CI_TEMPLATES[ci].map((t) => ({ path: t.path, text: t.text }));
  return [manifest, ...ciFiles];
}

/** The files of `init --workspace`: the workspace (at `workspacePath`), each sample account's manifest, the GitHub workflows (or none). */
export function scaffoldWorkspaceFiles(workspacePath: string, ci: 'github' | 'none'): ScaffoldFile[] {
  const manifests = SAMPLE_ACCOUNTS.map((a) => ({ path: `accounts/${a.name}.yaml`, text: starterAccountManifest(a.name) }));
  const ciFiles = ci === 'none' ? [] : CI_TEMPLATES['github-workspace'].map((t) => ({ path: t.path, text: t.text }));
  return [{ path: workspacePath, text: STARTER_WORKSPACE }, ...manifests, ...ciFiles];
}

/** `.gitignore`'s text with the missing GITIGNORE_LINES added (undefined when nothing is missing). */
export function withIgnored(current: string | undefined): string | undefined {
  const have = new Set((current ?? '').split(/\r?\n/).map((l) => l.trim().replace(/^\//, '')));
  const missing = GITIGNORE_LINES.filter((l) => !have.has(l) && !have.has(l.replace(/\/$/, '')));
  if (missing.length === 0) return undefined;
  const base = current === undefined || current === '' ? '' : current.endsWith('\n') ? current : `${current}\n`;
  return `${base}${missing.join('\n')}\n`;
}
