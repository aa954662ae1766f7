/**
 * Several accounts end to end, over loopback: one emulator serving three RD Station accounts, a workspace of four
 * entries (a manifest file, an inline manifest reading its credentials from an env file, wrong credentials, and
 * credentials of another account than the entry names), run concurrently through the library as the CLI runs them.
 * The two good accounts plan and apply; the two bad ones fail alone, and nothing is written to any other account.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadCredentials } from '../../src/cli/credentials.js';
// Through the library's entry point, as library users (and the CLI's workspace commands) reach them.
import {
  applyPlan,
  checkSavedPlan,
  createHttpApi,
  findWorkspace,
  loadAccountManifest,
  loadWorkspace,
  parseWorkspacePlan,
  planAccount,
  readWorkspacePlan,
  renderWorkspaceJson,
  renderWorkspaceMarkdown,
  renderWorkspaceText,
  runAccounts,
  workspaceStatus,
  writeWorkspacePlan,
  type AccountPlan,
  type AccountSession,
  type Manifest,
  type PlannedAccount,
  type Workspace,
  type WorkspaceAccount,
} from '../../src/lib/index.js';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import type { WireWebhook } from '../../src/rdstation/wire.js';
import { emulators } from '../helpers/emulator.js';
import { tempDirs } from '../helpers/tmp.js';
import { aWebhook } from '../builders.js';

const startEmulator = emulators();
const freshDir = tempDirs('workspace-run');

const WORKSPACE = `# yaml-language-server: $schema=./node_modules/rdhooks/schemas/workspace.schema.json
version: 1
x-hooks: &hooks
  - name: leads
    event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/\${CLIENT:-shared}/leads
accounts:
  - name: acme
    manifest: accounts/acme.yaml
    account: ACME Marketing
  - name: beta
    manifest: accounts/acme.yaml
    account: Beta Corp
  - name: delta
    account: Delta Co
    manifest:
      prune: true
      webhooks: *hooks
    credentials:
      env_file: .rdhooks/delta.env
    defaults:
      include_relations: [COMPANY]
  - name: gamma
    manifest:
      webhooks: *hooks
    account: Gamma Corp
`;

const ACME_MANIFEST = `version: 1
webhooks:
  - name: leads
    event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/acme/leads
  - name: deals
    event_type: crm_deal_created
    url: https://hooks.example.com/acme/deals
`;

/** A folder holding the workspace, and an environment with each account's credentials as the workspace says. */
async function setUp(emulator: EmulatorHandle) {
  const cwd = await freshDir();
  await mkdir(join(cwd, 'accounts'));
  await mkdir(join(cwd, '.rdhooks'));
  await writeFile(join(cwd, 'rdhooks.workspace.yaml'), WORKSPACE);
  await writeFile(join(cwd, 'accounts/acme.yaml'), ACME_MANIFEST);
  const creds = (name: string) => emulator.account(name).credentials;
  const delta = creds('Delta Co');
  await writeFile(
    join(cwd, '.rdhooks/delta.env'),
    `RDSTATION_CLIENT_ID=${delta.clientId}\nRDSTATION_CLIENT_SECRET=${delta.clientSecret}\nRDSTATION_REFRESH_TOKEN=${delta.refreshToken}\n`,
    { mode: 0o600 },
  );
  const env: NodeJS.ProcessEnv = {
    RDSTATION_ACME_CLIENT_ID: creds('ACME Marketing').clientId,
    RDSTATION_ACME_CLIENT_SECRET: creds('ACME Marketing').clientSecret,
    RDSTATION_ACME_REFRESH_TOKEN: creds('ACME Marketing').refreshToken,
    // Beta's token was revoked (or never was Beta's): RD refuses it.
    RDSTATION_BETA_CLIENT_ID: creds('ACME Marketing').clientId,
    RDSTATION_BETA_CLIENT_SECRET: creds('ACME Marketing').clientSecret,
    RDSTATION_BETA_REFRESH_TOKEN: 'revoked-refresh-token',
    // Gamma's entry expects "Gamma Corp", and these credentials belong to "Gamma Inc".
    RDSTATION_GAMMA_ACCESS_TOKEN: emulator.account('Gamma Inc').issueToken(),
  };
  return { cwd, env };
}

/** What the CLI does per account: its manifest, its own credentials and client (its own rate limiter), a plan. */
async function planOne(workspace: Workspace, account: WorkspaceAccount, env: NodeJS.ProcessEnv, apiUrl: string) {
  const loaded = await loadAccountManifest(workspace, account, env);
  if (!loaded.manifest) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const manifest: Manifest = loaded.manifest;
  const stderr = new PassThrough();
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env, cwd: workspace.cwd };
  const { credentials } = await loadCredentials(io, account.credentials);
  const api = createHttpApi({ apiUrl, auth: credentials, sleep: async () => undefined, maxAttempts: 2, timeoutMs: 10_000, rateLimitPerMinute: 120 });
  const session: AccountSession = { api, apiUrl };
  const result = await planAccount({ manifest, session });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return { manifest, session, planned: result as PlannedAccount };
}

describe('a workspace of four accounts on one emulator', () => {
  it('plans and applies the good accounts concurrently; a wrong token and a wrong account fail alone', async () => {
    const emulator = await startEmulator({
      accounts: [
        { name: 'ACME Marketing', seed: [aWebhook({ event_type: 'crm_deal_created', url: 'https://hooks.example.com/acme/deals' }) as unknown as WireWebhook] },
        { name: 'Delta Co', seed: [aWebhook({ event_type: 'crm_deal_deleted', url: 'https://hooks.example.com/delta/old' }) as unknown as WireWebhook] },
        { name: 'Gamma Inc', seed: [aWebhook({ event_type: 'crm_deal_deleted', url: 'https://hooks.example.com/gamma/keep' }) as unknown as WireWebhook] },
      ],
    });
    const { cwd, env } = await setUp(emulator);
    const gammaBefore = emulator.account('Gamma Inc').store.list();

    const path = await findWorkspace(cwd);
    expect(path).toBe('rdhooks.workspace.yaml');
    const { workspace, diagnostics } = await loadWorkspace(path!, env, { cwd });
    expect(diagnostics).toEqual([]);

    const outcomes = await runAccounts(workspace!.accounts, { parallel: 2 }, (account) => planOne(workspace!, account, env, emulator.url));
    expect(outcomes.map((o) => [o.name, o.ok])).toEqual([['acme', true], ['beta', false], ['delta', true], ['gamma', false]]);
    const errors = Object.fromEntries(outcomes.flatMap((o) => (o.ok ? [] : [[o.name, o.error.message]])));
    expect(errors.beta).toMatch(/refresh token/i);
    expect(errors.gamma).toBe('The credentials belong to the RD Station account "Gamma Inc", but rdhooks.workspace.yaml (account:) is for "Gamma Corp"; nothing was changed.');

    const entries: AccountPlan[] = outcomes.map((o, i) => {
      const account = workspace!.accounts[i]!.account;
      return o.ok ? { name: o.name, account, plan: o.value.planned.plan } : { name: o.name, account, error: o.error.message };
    });
    const summary = (name: string) => entries.find((e) => e.name === name)?.plan?.summary;
    expect(summary('acme')).toMatchObject({ create: 1, update: 0, delete: 0, unchanged: 1 });
    // delta: the workspace's defaults, the inline manifest's prune.
    expect(summary('delta')).toMatchObject({ create: 1, delete: 1 });
    expect(entries.find((e) => e.name === 'delta')?.plan?.changes.find((c) => c.action === 'create')).toMatchObject({
      after: { url: 'https://hooks.example.com/shared/leads', include_relations: ['COMPANY'] },
    });
    expect(workspaceStatus(entries)).toBe('failed');

    const text = renderWorkspaceText(entries);
    expect(text).toContain('=== gamma: RD Station account "Gamma Corp" ===\n\nerror: The credentials belong to the RD Station account "Gamma Inc"');
    expect(text).toContain('Workspace: 4 accounts: 2 with changes, 2 failed.');
    expect(renderWorkspaceMarkdown(entries)).toContain('| `acme` (ACME Marketing) | 1 | 0 | 0 | 0 |  | 0 | |');
    expect(parseWorkspacePlan(renderWorkspaceJson(entries))).not.toEqual(expect.any(String));
    for (const secret of [emulator.account('ACME Marketing').credentials.refreshToken, env.RDSTATION_GAMMA_ACCESS_TOKEN!]) {
      expect(text + renderWorkspaceMarkdown(entries) + renderWorkspaceJson(entries)).not.toContain(secret);
    }

    // plan --out, then apply --plan: each account's saved plan checked against a fresh one, as a single plan is.
    await writeWorkspacePlan('plan.json', entries, cwd);
    const saved = await readWorkspacePlan('plan.json', cwd);
    const applied = await runAccounts(
      workspace!.accounts.filter((a) => saved.accounts.find((s) => s.name === a.name)?.plan),
      { parallel: 2 },
      async (account) => {
        const fresh = await planOne(workspace!, account, env, emulator.url);
        checkSavedPlan(saved.accounts.find((s) => s.name === account.name)!.plan!, fresh.planned.plan, 'plan.json');
        return applyPlan({ session: fresh.session, planned: fresh.planned, manifest: fresh.manifest });
      },
    );
    expect(applied.map((o) => [o.name, o.ok && o.value.kind === 'applied' && o.value.verification.verified])).toEqual([['acme', true], ['delta', true]]);

    // Each account holds what its own manifest asks, and the refused account is as it was.
    const urls = (name: string) => emulator.account(name).store.list().body as { webhooks: { url: string }[] };
    expect(urls('ACME Marketing').webhooks.map((w) => w.url).sort()).toEqual(['https://hooks.example.com/acme/deals', 'https://hooks.example.com/acme/leads']);
    expect(urls('Delta Co').webhooks.map((w) => w.url)).toEqual(['https://hooks.example.com/shared/leads']);
    expect(emulator.account('Gamma Inc').store.list()).toEqual(gammaBefore);

    const again = await runAccounts(workspace!.accounts, { parallel: 4 }, (account) => planOne(workspace!, account, env, emulator.url));
    expect(again.map((o) => (o.ok ? o.value.planned.plan.changes.length : 'failed'))).toEqual([0, 'failed', 0, 'failed']);
  }, 60_000);
});
