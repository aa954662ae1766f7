import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatText } from '../../src/manifest/format.js';
import { loadAccountManifest } from '../../src/workspace/account.js';
import { findWorkspace, loadWorkspace } from '../../src/workspace/load.js';
import { selectAccounts } from '../../src/workspace/select.js';
import type { Workspace } from '../../src/workspace/types.js';
import { ROOT } from '../helpers/cli.js';
import { hangGuard } from '../helpers/timing.js';
import { tempDirs } from '../helpers/tmp.js';

const DIR = 'test/fixtures/workspaces';

type Row = [file: string, line: number, column: number, severity: 'error' | 'warning', code: string, message: string];

/** Every diagnostic of a fixture: the workspace's, then each account's manifest's, as `rdhooks validate --workspace` shows them. */
async function diagnosticsOf(path: string, env: NodeJS.ProcessEnv = {}): Promise<Row[]> {
  const result = await loadWorkspace(path, env, { cwd: ROOT });
  const diagnostics = [...result.diagnostics];
  for (const account of result.workspace?.accounts ?? []) diagnostics.push(...(await loadAccountManifest(result.workspace!, account, env)).diagnostics);
  return diagnostics.map((d) => [d.file, d.line, d.column, d.severity, d.code, d.message]);
}

async function loaded(file: string, env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<Workspace> {
  const result = await loadWorkspace(file, env, { cwd });
  expect(result.diagnostics).toEqual([]);
  return result.workspace!;
}

const F = Symbol('the fixture');

/** One fixture per problem: the exact diagnostics it yields, workspace first, then its accounts' manifests. */
const BAD: [string, [typeof F | string, number, number, Row[3], string, string][]][] = [
  ['bad-account-mismatch.yaml', [
    [F, 6, 16, 'error', 'account-mismatch', "account \"ACME Corp\" differs from \"ACME Marketing\", the account ${F}:4 expects for \"acme\"; the manifest and the workspace must name the same RD Station account. Make them agree, or remove account: from the manifest."],
    ['test/fixtures/workspaces/accounts/other-account.yaml', 2, 10, 'error', 'account-mismatch', "account \"Somebody Else\" differs from \"Other\", the account ${F}:10 expects for \"other\"; the manifest and the workspace must name the same RD Station account. Make them agree, or remove account: from the manifest."],
  ]],
  ['bad-credentials-both.yaml', [
    [F, 7, 7, 'error', 'credentials-source', "accounts[0] (\"acme\").credentials must give exactly one of env_prefix and env_file, not both; leave credentials out for the default prefix RDSTATION_<NAME>_."],
  ]],
  ['bad-credentials-empty.yaml', [
    [F, 6, 18, 'error', 'credentials-source', "accounts[0] (\"acme\").credentials must give exactly one of env_prefix and env_file; leave credentials out for the default prefix RDSTATION_<NAME>_."],
  ]],
  ['bad-credentials-key.yaml', [
    [F, 7, 7, 'error', 'unknown-key', "unknown key \"env_prefx\" in accounts[0] (\"acme\").credentials; did you mean \"env_prefix\"?"],
  ]],
  ['bad-defaults.yaml', [
    [F, 7, 27, 'error', 'invalid-value', "accounts[0] (\"acme\").defaults.include_relations[0]: \"COMPNY\" is not a valid value; did you mean \"COMPANY\"?"],
    [F, 8, 39, 'error', 'empty-identifier', "accounts[0] (\"acme\"): defaults.event_identifiers[1] is empty; remove it (an empty or absent list means every conversion)."],
  ]],
  ['bad-duplicate-credentials.yaml', [
    [F, 6, 5, 'error', 'duplicate-credentials', "accounts[1] (\"acme_2\") uses the same credentials as accounts[0] (\"acme-2\") at line 3 (the environment variables RDSTATION_ACME_2_*, by default): both would plan and apply one RD Station account at once. Give each account its own credentials."],
    [F, 18, 7, 'error', 'duplicate-credentials', "accounts[3] (\"delta\") uses the same credentials as accounts[2] (\"gamma\") at line 13 (the env file \"./shared.env\"): both would plan and apply one RD Station account at once. Give each account its own credentials."],
  ]],
  ['bad-duplicate-key.yaml', [
    [F, 6, 5, 'error', 'duplicate-key', "duplicate key \"account\": also at line 5; YAML would silently keep only one. Remove or rename one of them."],
  ]],
  ['bad-duplicate-name.yaml', [
    [F, 6, 11, 'error', 'duplicate-name', "accounts[1] (\"acme\"): duplicate name \"acme\": also at line 3; --account tells accounts apart by name. Rename one."],
  ]],
  ['bad-empty-value.yaml', [
    [F, 5, 14, 'error', 'empty-value', "accounts[0] (\"acme\").account is empty; give it a value or remove the key."],
  ]],
  ['bad-empty.yaml', [
    [F, 1, 1, 'error', 'empty-file', "${F} is empty. A workspace needs \"version: 1\" and accounts (see the README, \"Several accounts\")."],
  ]],
  ['bad-env-prefix.yaml', [
    [F, 7, 19, 'error', 'invalid-env-prefix', "accounts[0] (\"acme\"): env_prefix \"RDSTATION_ACME\" must be the start of environment variable names (letters, digits and _), ending in \"_\": rdhooks appends CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN and ACCESS_TOKEN to it; e.g. \"RDSTATION_ACME_\"."],
  ]],
  ['bad-inline-manifest.yaml', [
    [F, 4, 5, 'error', 'unknown-key', "unknown key \"evnt_type\" in webhooks[0] (\"leads\"); did you mean \"event_type\"?"],
    [F, 14, 14, 'error', 'wrong-type', "prune must be true or false, not the text \"yes\". Write true or false without quotes."],
    [F, 17, 16, 'error', 'undefined-variable', "environment variable RDHOOKS_TEST_UNSET_BASE is not set; set it, or give a default: ${RDHOOKS_TEST_UNSET_BASE:-value}."],
  ]],
  ['bad-invalid-name.yaml', [
    [F, 3, 11, 'error', 'invalid-name', "accounts[0] (\"ACME Corp\"): name \"ACME Corp\" is not an account name: use lower-case letters, digits, - and _, starting with a letter or digit (it is what --account selects); e.g. \"acme-corp\"."],
  ]],
  ['bad-manifest-missing.yaml', [
    [F, 4, 15, 'error', 'file-not-found', "the manifest of \"acme\", \"test/fixtures/workspaces/accounts/missing.yaml\", does not exist (a path in a workspace is relative to its folder). Fix the path, or create the manifest (examples/minimal.yaml is a start)."],
  ]],
  ['bad-manifest-type.yaml', [
    [F, 4, 15, 'error', 'wrong-type', "accounts[0] (\"acme\").manifest must be a path (text) or a manifest (a mapping), not a list."],
  ]],
  ['bad-many-problems.yaml', [
    [F, 3, 11, 'error', 'invalid-name', "accounts[0] (\"Acme\"): name \"Acme\" is not an account name: use lower-case letters, digits, - and _, starting with a letter or digit (it is what --account selects); e.g. \"acme\"."],
    [F, 5, 5, 'error', 'unknown-key', "unknown key \"acount\" in accounts[0] (\"Acme\"); did you mean \"account\"?"],
    [F, 7, 15, 'error', 'empty-value', "accounts[1] (\"beta\").manifest is empty; give it a value or remove the key."],
    [F, 10, 19, 'error', 'invalid-env-prefix', "accounts[1] (\"beta\"): env_prefix \"beta\" must be the start of environment variable names (letters, digits and _), ending in \"_\": rdhooks appends CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN and ACCESS_TOKEN to it; e.g. \"beta_\"."],
    [F, 11, 11, 'error', 'duplicate-name', "accounts[2] (\"beta\"): duplicate name \"beta\": also at line 6; --account tells accounts apart by name. Rename one."],
    [F, 13, 14, 'warning', 'duplicate-account', "accounts[2] (\"beta\"): account \"Beta Corp\" is also the account of accounts[1] (\"beta\") at line 8; if both are one RD Station account, their plans undo each other. Remove one, or fix the name."],
  ]],
  ['bad-missing-account.yaml', [
    [F, 3, 5, 'error', 'missing-key', "accounts[0] (\"acme\") has no account; give the name of its RD Station account, as RD Station shows it: rdhooks refuses credentials of another account."],
  ]],
  ['bad-missing-accounts.yaml', [
    [F, 1, 1, 'error', 'missing-key', "missing \"accounts\" at the top level; list the accounts, each with name, manifest and account."],
  ]],
  ['bad-missing-name.yaml', [
    [F, 3, 5, 'error', 'missing-key', "accounts[0] has no name; give it a short id such as \"acme\": --account selects it, and plans and errors show it."],
  ]],
  ['bad-multiple-documents.yaml', [
    [F, 2, 1, 'error', 'multiple-documents', "a second YAML document starts here; a workspace is one document. Remove the \"---\" line and merge what follows."],
  ]],
  ['bad-no-accounts.yaml', [
    [F, 2, 11, 'error', 'no-accounts', "accounts is empty; list at least one account, with name, manifest and account."],
  ]],
  ['bad-not-a-mapping.yaml', [
    [F, 2, 1, 'error', 'not-a-mapping', "the top level of ${F} must be a mapping of keys (version, accounts), but it is a list. Start the file with \"version: 1\"."],
  ]],
  ['bad-only-comments.yaml', [
    [F, 1, 1, 'error', 'empty-file', "${F} has no content, only comments. Add \"version: 1\" and accounts (see the README, \"Several accounts\")."],
  ]],
  ['bad-undefined-variable.yaml', [
    [F, 4, 15, 'error', 'undefined-variable', "environment variable RDHOOKS_TEST_UNSET_DIR is not set; set it, or give a default: ${RDHOOKS_TEST_UNSET_DIR:-value}."],
  ]],
  ['bad-unknown-key.yaml', [
    [F, 5, 5, 'error', 'unknown-key', "unknown key \"acount\" in accounts[0] (\"acme\"); did you mean \"account\"?"],
  ]],
  ['bad-unknown-top-level-key.yaml', [
    [F, 2, 1, 'error', 'unknown-key', "unknown key \"account\" at the top level; did you mean \"accounts\"?"],
  ]],
  ['bad-version.yaml', [
    [F, 1, 10, 'error', 'unsupported-version', "unsupported version 2; this rdhooks reads version 1 workspaces. Set \"version: 1\"."],
  ]],
  ['bad-yaml-syntax.yaml', [
    [F, 5, 5, 'error', 'yaml-syntax', "invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]. Check the indentation, brackets and quotes here."],
  ]],
  ['warn-duplicate-account.yaml', [
    [F, 8, 14, 'warning', 'duplicate-account', "accounts[1] (\"acme-staging\"): account \"ACME Marketing\" is also the account of accounts[0] (\"acme\") at line 5; if both are one RD Station account, their plans undo each other. Remove one, or fix the name."],
  ]],
];

describe('workspaces with problems', () => {
  it.each(BAD)('%s', async (file, expected) => {
    const path = `${DIR}/${file}`;
    const rows = (await diagnosticsOf(path)).map(([f, ...rest]) => [f === path ? F : f, ...rest.map((v) => (typeof v === 'string' ? v.replaceAll(path, '${F}') : v))]);
    expect(rows).toEqual(expected);
  });

  it('has a fixture for every problem it names, and a test for every fixture', async () => {
    const { readdirSync } = await import('node:fs');
    const fixtures = readdirSync(DIR).filter((f) => /^(bad|warn)-.*\.yaml$/.test(f));
    expect(BAD.map(([f]) => f).sort()).toEqual(fixtures.sort());
  });
});

describe('valid workspaces', () => {
  it('reads accounts: manifest files by their path from the working directory, credentials by prefix or env file', async () => {
    const workspace = await loaded(`${DIR}/valid-files.yaml`);
    expect(workspace.accounts.map(({ name, account, manifest, credentials }) => ({ name, account, manifest, credentials }))).toEqual([
      { name: 'acme', account: 'ACME Marketing', manifest: { kind: 'file', path: `${DIR}/accounts/acme.yaml`, at: { file: `${DIR}/valid-files.yaml`, line: 5, column: 15 } }, credentials: { prefix: 'RDSTATION_ACME_' } },
      { name: 'beta-corp', account: 'Beta Corp', manifest: { kind: 'file', path: `${DIR}/accounts/beta.yaml`, at: { file: `${DIR}/valid-files.yaml`, line: 11, column: 15 } }, credentials: { envFile: `${DIR}/.rdhooks/beta.env` } },
      { name: 'gamma', account: 'Gamma', manifest: { kind: 'file', path: `${DIR}/accounts/acme.yaml`, at: { file: `${DIR}/valid-files.yaml`, line: 16, column: 15 } }, credentials: { prefix: 'CLIENT_GAMMA_' } },
    ]);
    expect(workspace.accounts.map((a) => [a.source.line, a.accountSource.line])).toEqual([[4, 6], [10, 12], [15, 17]]);
  });

  it('reports paths as typed from another working directory', async () => {
    const workspace = await loaded('workspaces/valid-files.yaml', {}, join(ROOT, 'test/fixtures'));
    expect(workspace.accounts.map((a) => (a.manifest.kind === 'file' ? a.manifest.path : ''))).toEqual([
      'workspaces/accounts/acme.yaml',
      'workspaces/accounts/beta.yaml',
      'workspaces/accounts/acme.yaml',
    ]);
    const manifest = await loadAccountManifest(workspace, workspace.accounts[0]!, {});
    expect(manifest.manifest?.path).toBe('workspaces/accounts/acme.yaml');
    expect(manifest.manifest?.webhooks[0]?.source).toEqual({ file: 'workspaces/accounts/acme.yaml', line: 5, column: 5 });
  });

  it('merges the workspace defaults under the manifest\'s own, and gives the manifest the workspace\'s account', async () => {
    const workspace = await loaded(`${DIR}/valid-files.yaml`);
    const [acme, beta, gamma] = await Promise.all(workspace.accounts.map((a) => loadAccountManifest(workspace, a, {})));
    const fields = (r: typeof acme) => r?.manifest?.webhooks.map((w) => [w.name, w.include_relations, w.event_identifiers]);
    // include_relations: the manifest's defaults win over the workspace's; event_identifiers: the workspace's, for
    // WEBHOOK.CONVERTED only; an entry's own value wins over both.
    expect(fields(acme)).toEqual([
      ['leads', ['CONTACT_FUNNEL'], ['newsletter']],
      ['deals', [], []],
    ]);
    expect(fields(gamma)).toEqual([
      ['leads', ['CONTACT_FUNNEL'], []],
      ['deals', [], []],
    ]);
    expect([acme, beta, gamma].map((r) => r?.manifest?.account)).toEqual(['ACME Marketing', 'Beta Corp', 'Gamma']);
    expect(acme?.manifest?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(acme?.manifest?.sha256).toBe(gamma?.manifest?.sha256);
  });

  it('reads inline manifests sharing entries through anchors, version implied, positions in the workspace file', async () => {
    const path = `${DIR}/valid-inline-anchors.yaml`;
    const workspace = await loaded(path);
    const env = { HOOKS_BASE: 'https://staging.example.com' };
    const [acme, beta, gamma] = await Promise.all(workspace.accounts.map((a) => loadAccountManifest(workspace, a, env)));
    for (const r of [acme, beta, gamma]) expect(r?.diagnostics).toEqual([]);
    const view = (r: typeof acme) => r?.manifest?.webhooks.map((w) => [w.name, w.url, w.include_relations, `${w.source.file}:${w.source.line}`]);
    expect(view(acme)).toEqual([
      ['leads', 'https://staging.example.com/leads', ['COMPANY'], `${path}:3`],
      ['deals', 'https://hooks.example.com/deals', [], `${path}:7`],
    ]);
    expect(view(beta)).toEqual([['leads', 'https://hooks.example.com/beta/leads', [], `${path}:24`]]);
    expect(view(gamma)).toEqual([
      ['leads', 'https://staging.example.com/leads', ['COMPANY'], `${path}:3`],
      ['deals', 'https://hooks.example.com/deals', ['CONTACT_FUNNEL'], `${path}:7`],
    ]);
    expect(acme?.manifest).toMatchObject({ path, sha256: workspace.sha256, prune: true, account: 'ACME Marketing' });
    expect(gamma?.manifest?.prune).toBe(false);
    expect(beta?.text).toBe(workspace.text);
  });

  it('shows a problem in an inline manifest with a code frame of the workspace file', async () => {
    const path = `${DIR}/bad-inline-manifest.yaml`;
    const workspace = (await loadWorkspace(path, {}, { cwd: ROOT })).workspace!;
    const result = await loadAccountManifest(workspace, workspace.accounts[0]!, {});
    expect(formatText(result.diagnostics, { source: result.text })).toBe(
      [
        `${path}:4:5: error: unknown key "evnt_type" in webhooks[0] ("leads"); did you mean "event_type"?`,
        '  3 |   - name: leads',
        '> 4 |     evnt_type: WEBHOOK.CONVERTED',
        '    |     ^^^^^^^^^',
        '',
        '',
      ].join('\n'),
    );
  });

  it('takes ${VAR} in the workspace\'s own values from the environment given', async () => {
    const workspace = await loaded(`${DIR}/bad-undefined-variable.yaml`, { RDHOOKS_TEST_UNSET_DIR: 'accounts' });
    expect(workspace.accounts[0]?.manifest).toMatchObject({ kind: 'file', path: `${DIR}/accounts/acme.yaml` });
  });

  it('gives an account without credentials the prefix RDSTATION_<NAME>_, upper-cased, - as _', async () => {
    const cwd = await freshDir();
    await writeFile(join(cwd, 'rdhooks.workspace.yaml'), 'version: 1\naccounts:\n  - name: acme-corp_2\n    manifest: m.yaml\n    account: ACME\n');
    const workspace = await loaded('rdhooks.workspace.yaml', {}, cwd);
    expect(workspace.accounts[0]?.credentials).toEqual({ prefix: 'RDSTATION_ACME_CORP_2_' });
  });
});

const freshDir = tempDirs('workspace-load');

describe('workspace files that cannot be read', () => {
  it.each([
    ['missing', async () => 'nope.yaml', 'file-not-found', 'nope.yaml does not exist. Create it (the README\'s "Several accounts" shows one) or pass the workspace\'s path: --workspace path/to/rdhooks.workspace.yaml'],
    ['a directory', async (cwd: string) => (await mkdir(join(cwd, 'dir')), 'dir/'), 'file-unreadable', 'dir/ is a directory; pass the workspace file inside it, e.g. dir/rdhooks.workspace.yaml'],
    ['a FIFO', async (cwd: string) => (execFileSync('mkfifo', [join(cwd, 'pipe.yaml')]), 'pipe.yaml'), 'not-a-file', 'pipe.yaml is a FIFO (named pipe), not a file; rdhooks reads a workspace only from a regular file, never a pipe or a device. Save it to a file and pass that path.'],
    ['too large', async (cwd: string) => (await writeFile(join(cwd, 'big.yaml'), `version: 1\n${'#'.repeat(4 * 1024 * 1024)}\n`), 'big.yaml'), 'file-too-large', 'big.yaml is larger than 4 MiB; a workspace is a few KiB, its manifests included. Check that this is the right file.'],
  ])('says so when it is %s', async (_what, make, code, message) => {
    const cwd = await freshDir();
    const path = await make(cwd);
    const result = await hangGuard(loadWorkspace(path, {}, { cwd }));
    expect(result.diagnostics.map((d) => [d.file, d.line, d.column, d.code, d.message])).toEqual([[path, 1, 1, code, message]]);
    expect(result.workspace).toBeUndefined();
  });
});

describe('findWorkspace', () => {
  it('finds rdhooks.workspace.yaml in the folder, and nothing elsewhere', async () => {
    const cwd = await freshDir();
    expect(await findWorkspace(cwd)).toBeUndefined();
    await writeFile(join(cwd, 'rdhooks.workspace.yaml'), 'version: 1\n');
    expect(await findWorkspace(cwd)).toBe('rdhooks.workspace.yaml');
    expect(await findWorkspace(join(cwd, 'nope'))).toBeUndefined();
  });
});

describe('selectAccounts', () => {
  it('keeps workspace order, each account once; all of them when none is named', async () => {
    const workspace = await loaded(`${DIR}/valid-files.yaml`);
    expect(selectAccounts(workspace, ['gamma', 'acme', 'gamma']).map((a) => a.name)).toEqual(['acme', 'gamma']);
    expect(selectAccounts(workspace, []).map((a) => a.name)).toEqual(['acme', 'beta-corp', 'gamma']);
  });

  it('refuses an unknown name with a "did you mean" and the names there are', async () => {
    const workspace = await loaded(`${DIR}/valid-files.yaml`);
    expect(() => selectAccounts(workspace, ['acme', 'gama'])).toThrow(`${DIR}/valid-files.yaml has no account named "gama"; did you mean "gamma"?`);
    try {
      selectAccounts(workspace, ['x', 'y']);
    } catch (err) {
      expect([(err as Error).message, (err as { hint?: string }).hint]).toEqual([
        `${DIR}/valid-files.yaml has no accounts named "x", "y".`,
        'Its accounts: acme, beta-corp, gamma. --account takes the name of an entry of accounts.',
      ]);
    }
    expect.assertions(3);
  });
});
