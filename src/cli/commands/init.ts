/** `rdhooks init`: scaffold a repository: the manifest (exported from the account when it can be), CI files, .gitignore. */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { CiSystem } from '../../adopt/ci-templates.js';
import { escapeControl } from '../../shared/text.js';
import { WORKSPACE_FILE } from '../../workspace/types.js';
import { count } from '../../shared/wording.js';
import { UsageError, type CommandModule, type ParsedArgs } from '../command.js';
import { CONNECTION_READS, connectionFlags, parseConnectionArgs, withConnection, type ConnectionOptions } from '../connection.js';
import type { Io } from '../io.js';
import { booleanFlag, choiceFlag, DEFAULTS, stringFlag } from '../options.js';

const CI = ['github', 'gitlab', 'none'] as const;

/** Checked options of init. */
export interface InitOptions {
  manifest: string;
  ci: (typeof CI)[number];
  force: boolean;
  /** Start from an empty commented manifest even when credentials are at hand. */
  starter: boolean;
  /** Scaffold a workspace of several accounts instead of one manifest. */
  workspace: boolean;
  connection: ConnectionOptions;
}

const init: CommandModule<InitOptions> = {
  builder: (y: Argv) =>
    connectionFlags(y)
      .option('manifest', { type: 'string', default: DEFAULTS.manifest, describe: 'Where to write the manifest' })
      .option('ci', { choices: CI, default: 'github', describe: 'CI files to write: GitHub Actions workflows, a .gitlab-ci.yml, or none' })
      .option('starter', { type: 'boolean', default: false, describe: 'Write a commented starter manifest even when credentials (or --emulator) could export the account' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite files that exist' })
      .option('workspace', { type: 'boolean', default: false, describe: 'Scaffold a workspace of several accounts (rdhooks.workspace.yaml, a manifest per account under accounts/)' })
      .epilogue(
        `Reads: ${CONNECTION_READS}. With credentials or --emulator, the manifest is exported from the account (uuids pinned, ` +
          'account: set); without, it is a commented starter. Exit codes: 0 written, 1 error (nothing is overwritten without --force).',
      )
      .example('rdhooks init', 'Export the account into webhooks.yaml and add the GitHub workflows')
      .example('rdhooks init --ci gitlab --starter', 'A starter manifest and a .gitlab-ci.yml')
      .example('rdhooks init --workspace', 'A workspace of two sample accounts and its GitHub workflows'),

  parse(argv: ParsedArgs, io: Io): InitOptions {
    const workspace = booleanFlag(argv, 'workspace');
    const ci = choiceFlag(argv, 'ci', CI, 'github');
    if (workspace && ci === 'gitlab') {
      throw new UsageError('init --workspace writes GitHub workflows (or none, with --ci none), not a .gitlab-ci.yml.', 'See the README, "Several accounts", for running a workspace on GitLab CI.');
    }
    return {
      manifest: stringFlag(argv, 'manifest') ?? DEFAULTS.manifest,
      ci,
      force: booleanFlag(argv, 'force'),
      starter: booleanFlag(argv, 'starter'),
      workspace,
      connection: parseConnectionArgs(argv, io.env),
    };
  },

  async run(o: InitOptions, io: Io): Promise<number> {
    const [{ existsSync }, { readFile, mkdir }, { dirname }, { scaffoldFiles, scaffoldWorkspaceFiles, withIgnored, STARTER_MANIFEST }, { writeOutputFile }] = await Promise.all([
      import('node:fs'),
      import('node:fs/promises'),
      import('node:path'),
      import('../../adopt/scaffold.js'),
      import('../../shared/write-file.js'),
    ]);
    // Refused before anything is read from the account: init never overwrites without --force.
    const planned = o.workspace ? scaffoldWorkspaceFiles(WORKSPACE_FILE, o.ci === 'github' ? 'github' : 'none') : scaffoldFiles({ path: o.manifest, text: '' }, o.ci);
    const existing = planned.filter((f) => existsSync(resolve(io.cwd, f.path))).map((f) => escapeControl(f.path));
    if (existing.length > 0 && !o.force) {
      throw new UsageError(`init does not overwrite: ${existing.join(', ')} ${existing.length === 1 ? 'exists' : 'exist'}.`, 'Pass --force to overwrite them, or move them away first.');
    }

    const manifest = o.starter || o.workspace ? undefined : await exportAccount(o, io);
    const files = o.workspace ? planned : scaffoldFiles(manifest ? { path: o.manifest, text: manifest.text, private: true } : { path: o.manifest, text: STARTER_MANIFEST }, o.ci);
    for (const f of files) {
      const path = resolve(io.cwd, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeOutputFile(path, f.text, { shownAs: f.path, mode: f.private ? 0o600 : 0o644 });
    }
    const gitignore = resolve(io.cwd, '.gitignore');
    const ignored = withIgnored(existsSync(gitignore) ? await readFile(gitignore, 'utf8') : undefined);
    if (ignored !== undefined) await writeOutputFile(gitignore, ignored, { shownAs: '.gitignore' });

    const what = manifest ? `exported ${count(manifest.listed, 'webhook')} from the account "${manifest.account}"` : 'a starter, managing nothing yet';
    io.stderr.write(`Wrote ${files.map((f) => escapeControl(f.path)).join(', ')}${ignored ? ', and .rdhooks/ and node_modules/ to .gitignore' : ''}.\n`);
    if (!o.workspace) io.stderr.write(`${escapeControl(o.manifest)}: ${what}.\n`);
    io.stderr.write(`\n${o.workspace ? workspaceSteps(o, files.map((f) => f.path)) : nextSteps(o, files.map((f) => f.path))}`);
    return 0;
  },
};

/** The account's manifest, when credentials (or --emulator) are at hand; undefined when there are none. */
async function exportAccount(o: InitOptions, io: Io): Promise<{ text: string; listed: number; account: string } | undefined> {
  if (!o.connection.emulator) {
    const { loadCredentials } = await import('../credentials.js');
    const usable = await loadCredentials(io, o.connection.credentialsFile !== undefined ? { envFile: o.connection.credentialsFile } : {}).then(
      () => true,
      () => false,
    );
    if (!usable) return undefined;
  }
  const [{ renderExport }, { VERSION }, { nameAndListing }] = await Promise.all([
    import('../../adopt/export.js'),
    import('../../shared/version.js'),
    import('../../reconcile/session.js'),
  ]);
  return withConnection(o.connection, io, async (session) => {
    const { account, listing } = await nameAndListing(session);
    const date = new Date().toISOString().slice(0, 10);
    return { text: renderExport(listing, { apiUrl: session.apiUrl, account, date, version: VERSION }), listed: listing.length, account };
  });
}

/** What to do after init: the secrets to set, where, and the first commands. */
function nextSteps(o: InitOptions, paths: readonly string[]): string {
  const secrets = 'RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET and RDSTATION_REFRESH_TOKEN (rdhooks auth url, then rdhooks auth exchange)';
  const where: Record<CiSystem | 'none', string[]> = {
    github: [
      `Set the repository secrets ${secrets}: Settings > Secrets and variables > Actions, or gh secret set NAME.`,
      'Optionally RDHOOKS_SECRETS_TOKEN, a token allowed to write secrets, so the workflows can store a refresh token RD rotates.',
    ],
    gitlab: [
      `Set the CI/CD variables ${secrets}, masked: Settings > CI/CD > Variables.`,
      'And GITLAB_TOKEN, a project access token with the api scope (Reporter), for the merge-request comment and the drift issue.',
    ],
    none: [`Give your CI ${secrets} in its environment.`],
  };
  const steps = [
    ...where[o.ci],
    `Review ${o.manifest} (give entries names), then: npx --no-install rdhooks plan`,
    `Commit: git add ${[...paths, '.gitignore', 'package.json', 'package-lock.json'].join(' ')}`,
  ];
  return `Next steps:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`;
}

/** What to do after init --workspace: name the accounts, set each one's secrets, the first commands. */
function workspaceSteps(o: InitOptions, paths: readonly string[]): string {
  const steps = [
    'Edit rdhooks.workspace.yaml: one entry per RD Station account (name, account, manifest); rename or remove the samples.',
    o.ci === 'github'
      ? "Set each account's secrets, e.g. RDSTATION_ACME_CLIENT_ID, RDSTATION_ACME_CLIENT_SECRET, RDSTATION_ACME_REFRESH_TOKEN (rdhooks auth url, then rdhooks auth exchange), and list them under env: in the workflows."
      : "Give your CI each account's credentials, e.g. RDSTATION_ACME_CLIENT_ID, RDSTATION_ACME_CLIENT_SECRET, RDSTATION_ACME_REFRESH_TOKEN.",
    'Try it offline: npx --no-install rdhooks plan --emulator; then against RD Station: npx --no-install rdhooks auth check',
    `Commit: git add ${[...paths, '.gitignore', 'package.json', 'package-lock.json'].join(' ')}`,
  ];
  return `Next steps:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`;
}

export default init;
