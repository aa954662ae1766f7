/**
 * A workspace of four accounts, driven through the built CLI against one emulator serving them over loopback:
 * two whose credentials work (one from prefixed variables, one from an env file), one whose refresh token is
 * wrong, and one whose credentials belong to another RD Station account than its `account:` names. Plan, apply,
 * a saved plan and a drift check each run every account; the two bad ones are refused and the others proceed.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { BIN, rdhooks, type CliResult } from '../helpers/cli.js';
import { tempDirs } from '../helpers/tmp.js';
import { expectExit } from '../helpers/workspace.js';

// Each test runs the binary several times: a hang guard for a busy machine.
jest.setTimeout(120_000);

const freshDir = tempDirs('rdhooks-workspace-');
const handles: EmulatorHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

const CLIENT = { id: 'ws-client', secret: 'ws-secret' };

const WORKSPACE = `version: 1
accounts:
  - name: acme
    account: ACME Marketing
    manifest: accounts/acme.yaml
  - name: globex
    account: Globex Inc
    credentials: { env_file: .rdhooks/globex.env }
    manifest:
      webhooks:
        - name: leads
          event_type: WEBHOOK.CONVERTED
          url: https://hooks.example.com/globex/leads
  - name: initech
    account: Initech
    manifest: accounts/initech.yaml
  - name: hooli
    account: Hooli
    manifest: accounts/hooli.yaml
`;

const manifestFor = (name: string): string => `version: 1
webhooks:
  - name: leads
    event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/${name}/leads
    include_relations: [COMPANY]
`;

/** The folder, the emulator (its four RD Station accounts) and the CLI run in that folder with each account's credentials. */
async function setUp(options: { latencyMs?: number } = {}) {
  const cwd = await freshDir();
  const handle = await startEmulator({
    ...options,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    accounts: [
      { name: 'ACME Marketing', refreshToken: 'rt-acme' },
      { name: 'Globex Inc', refreshToken: 'rt-globex' },
      { name: 'Initech', refreshToken: 'rt-initech' },
      { name: 'Umbrella Corp', refreshToken: 'rt-umbrella' },
    ],
  });
  handles.push(handle);
  await mkdir(join(cwd, 'accounts'));
  await mkdir(join(cwd, '.rdhooks'));
  await writeFile(join(cwd, 'rdhooks.workspace.yaml'), WORKSPACE);
  for (const name of ['acme', 'initech', 'hooli']) await writeFile(join(cwd, 'accounts', `${name}.yaml`), manifestFor(name));
  await writeFile(join(cwd, '.rdhooks', 'globex.env'), `RDSTATION_CLIENT_ID=${CLIENT.id}\nRDSTATION_CLIENT_SECRET=${CLIENT.secret}\nRDSTATION_REFRESH_TOKEN=rt-globex\n`);
  const creds = (prefix: string, refreshToken: string) => ({
    [`${prefix}CLIENT_ID`]: CLIENT.id,
    [`${prefix}CLIENT_SECRET`]: CLIENT.secret,
    [`${prefix}REFRESH_TOKEN`]: refreshToken,
  });
  const env = {
    RDSTATION_API_URL: handle.url,
    ...creds('RDSTATION_ACME_', 'rt-acme'),
    // Wrong: RD answers INVALID_REFRESH_TOKEN.
    ...creds('RDSTATION_INITECH_', 'rt-not-initech'),
    // Umbrella Corp's: the guard (account: Hooli) refuses them.
    ...creds('RDSTATION_HOOLI_', 'rt-umbrella'),
    // What a single-manifest run would use: no workspace account may fall back to it.
    RDSTATION_ACCESS_TOKEN: handle.account('Umbrella Corp').issueToken(),
  };
  const cli = (args: string[]): Promise<CliResult> => rdhooks(args, { cwd, env });
  const store = (name: string) => handle.account(name).store;
  return { cwd, handle, cli, store, env };
}

const writes = (handle: EmulatorHandle): number => handle.count('POST', '/integrations/webhooks') + handle.count('PUT') + handle.count('DELETE');

describe('a workspace of accounts', () => {
  it('plans every account at once: the good ones planned, the wrong credentials and the wrong account each refused with why', async () => {
    const { cli, handle } = await setUp();
    const r = await cli(['plan', '--detailed-exitcode']);
    expectExit(r, 1);
    expect(r.stdout).toMatch(/=== acme: RD Station account "ACME Marketing" ===[\s\S]*\+ leads[\s\S]*https:\/\/hooks\.example\.com\/acme\/leads/);
    expect(r.stdout).toMatch(/=== globex: RD Station account "Globex Inc" ===[\s\S]*\+ leads[\s\S]*https:\/\/hooks\.example\.com\/globex\/leads/);
    expect(r.stdout).toMatch(/=== initech: [^\n]*\n\nerror: [^\n]*INVALID_REFRESH_TOKEN[\s\S]*RDSTATION_INITECH_REFRESH_TOKEN/);
    expect(r.stdout).toContain('error: The credentials belong to the RD Station account "Umbrella Corp", but rdhooks.workspace.yaml (account hooli) is for "Hooli"; nothing was changed.');
    expect(r.stdout).toContain('Workspace: 4 accounts: 2 with changes, 2 failed.');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(writes(handle)).toBe(0);
  });

  it('the JSON document has one plan or one error per account, and the Markdown one table and a section each', async () => {
    const { cli } = await setUp();
    const json = await cli(['plan', '--format', 'json']);
    expectExit(json, 1);
    const doc = JSON.parse(json.stdout) as { kind: string; format_version: number; accounts: { name: string; plan: { summary: { create: number }; remote: { account: string } } | null; error: string | null }[] };
    expect(doc).toMatchObject({ kind: 'workspace', format_version: 2 });
    expect(doc.accounts.map((a) => [a.name, a.plan?.summary.create ?? null, a.plan?.remote.account ?? null, a.error === null])).toEqual([
      ['acme', 1, 'ACME Marketing', true],
      ['globex', 1, 'Globex Inc', true],
      ['initech', null, null, false],
      ['hooli', null, null, false],
    ]);
    const md = await cli(['plan', '--format', 'markdown']);
    expect(md.stdout).toContain('| account | create | update | delete | replace | unsafe | findings | error |');
    expect(md.stdout).toMatch(/\| `acme` \(ACME Marketing\) \| 1 \| 0 \| 0 \| 0 \|/);
    expect(md.stdout).toMatch(/\| `hooli` \(Hooli\) \|[ |]*The credentials belong to the RD Station account "Umbrella Corp"/);
    expect(md.stdout.match(/<details><summary><b>/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it('applies the accounts that can be applied, leaves the refused ones untouched, and exits 1', async () => {
    const { cli, handle, store } = await setUp();
    const before = { initech: store('Initech').snapshot(), umbrella: store('Umbrella Corp').snapshot() };
    const r = await cli(['apply', '--auto-approve']);
    expectExit(r, 1);
    expect(r.stdout).toContain('Applied: 4 accounts: 2 applied, 2 failed.');
    expect(store('ACME Marketing').snapshot().map((w) => w.url)).toContain('https://hooks.example.com/acme/leads');
    expect(store('Globex Inc').snapshot().map((w) => w.url)).toContain('https://hooks.example.com/globex/leads');
    expect(store('Initech').snapshot()).toEqual(before.initech);
    expect(store('Umbrella Corp').snapshot()).toEqual(before.umbrella);
    expect(writes(handle)).toBe(2);

    // Those two are now clean; a re-run selecting them exits 0 with nothing to change.
    const again = await cli(['plan', '--account', 'acme', '--account', 'globex', '--detailed-exitcode']);
    expectExit(again, 0);
    expect(again.stdout).toContain('Workspace: 2 accounts: 2 without changes.');
  });

  it('asks once for every account, and without a terminal refuses to apply any', async () => {
    const { cli, handle } = await setUp();
    const r = await cli(['apply', '--account', 'acme', '--account', 'globex']);
    expectExit(r, 1);
    expect(r.stderr).toContain('2 accounts to apply: acme, globex.');
    expect(r.stderr).toContain('Refusing to apply without confirmation');
    expect(writes(handle)).toBe(0);
  });

  it('a drift check reports the account changed by hand, and a saved plan applies exactly what was reviewed', async () => {
    const { cli, cwd, store } = await setUp();
    const good = ['--account', 'acme', '--account', 'globex'];
    expectExit(await cli(['apply', '--auto-approve', ...good]), 0);

    // Someone edits ACME's webhook in RD Station.
    const acme = store('ACME Marketing');
    const hooked = acme.snapshot().find((w) => w.url === 'https://hooks.example.com/acme/leads');
    await acme.update(String(hooked?.uuid), { ...hooked, include_relations: [] });

    const drift = await cli(['plan', '--drift', '--format', 'markdown', '--detailed-exitcode', ...good]);
    expectExit(drift, 2);
    expect(drift.stdout).toContain('### rdhooks drift check: 2 accounts');
    expect(drift.stdout).toMatch(/\| `acme` \(ACME Marketing\) \| 0 \| 1 \| 0 \|/);
    expect(drift.stdout).toMatch(/\| `globex` \(Globex Inc\) \| 0 \| 0 \| 0 \|/);

    expectExit(await cli(['plan', '--out', 'plan.json', ...good]), 0);
    expect(JSON.parse(await readFile(join(cwd, 'plan.json'), 'utf8'))).toMatchObject({ kind: 'workspace' });
    const applied = await cli(['apply', '--plan', 'plan.json']);
    expectExit(applied, 0);
    expect(applied.stdout).toContain('Applied: 2 accounts: 1 applied, 1 without changes.');
    expect(acme.snapshot().find((w) => w.uuid === hooked?.uuid)?.include_relations).toEqual(['COMPANY']);

    // The same plan again: the account no longer needs it, so it is refused, and nothing is written.
    const stale = await cli(['apply', '--plan', 'plan.json']);
    expectExit(stale, 1);
    expect(stale.stdout).toMatch(/acme[\s\S]*is not what a plan made now would do/);
  });

  it('a saved plan is refused for an account whose manifest changed since, and applied for the others', async () => {
    const { cli, cwd, store } = await setUp();
    const good = ['--account', 'acme', '--account', 'globex'];
    expectExit(await cli(['plan', '--out', 'plan.json', ...good]), 0);
    await writeFile(join(cwd, 'accounts', 'acme.yaml'), manifestFor('acme').replace('/acme/leads', '/acme/other'));
    const r = await cli(['apply', '--plan', 'plan.json']);
    expectExit(r, 1);
    expect(r.stdout).toContain('accounts/acme.yaml changed since plan.json (account acme) was made from it; nothing was changed.');
    expect(store('ACME Marketing').snapshot().map((w) => w.url)).not.toContain('https://hooks.example.com/acme/other');
    expect(store('Globex Inc').snapshot().map((w) => w.url)).toContain('https://hooks.example.com/globex/leads');
  });

  it('validate checks the workspace and each manifest; auth check each credential; an unknown --account is named', async () => {
    const { cli, cwd } = await setUp();
    const valid = await cli(['validate']);
    expectExit(valid, 0);
    expect(valid.stdout).toContain('rdhooks.workspace.yaml: valid (4 accounts)');
    expect(valid.stdout).toContain('globex (inline in rdhooks.workspace.yaml): valid (1 webhook)');

    const auth = await cli(['auth', 'check']);
    expectExit(auth, 1);
    expect(auth.stdout).toContain('acme: credentials OK: account "ACME Marketing"');
    expect(auth.stdout).toContain('globex: credentials OK: account "Globex Inc"');
    expect(auth.stderr).toMatch(/initech: error: .*INVALID_REFRESH_TOKEN/);
    expect(auth.stderr).toContain('hooli: error: The credentials belong to the RD Station account "Umbrella Corp"');

    const unknown = await cli(['plan', '--account', 'glbex']);
    expectExit(unknown, 1);
    expect(unknown.stderr).toContain('has no account named "glbex"; did you mean "globex"?');

    await writeFile(join(cwd, 'accounts', 'initech.yaml'), 'version: 1\nwebhooks:\n  - event_type: WEBHOOK.NOPE\n    url: https://x.example.com\n');
    const invalid = await cli(['plan', '--account', 'acme', '--account', 'initech']);
    expectExit(invalid, 1);
    expect(invalid.stdout).toMatch(/=== initech[\s\S]*Its manifest is not valid \(1 error\)[\s\S]*accounts\/initech\.yaml:3:/);
    expect(invalid.stdout).toMatch(/=== acme[\s\S]*\+ leads/);
  });

  it('Ctrl-C during apply lets the writes in flight finish, starts no further account, and exits 130', async () => {
    const { cwd, env, store } = await setUp({ latencyMs: 400 });
    const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--parallel', '1', '--account', 'acme', '--account', 'globex'], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // acme's create has landed: interrupt while it verifies, before globex starts.
      if (d.includes('acme: [1/1]')) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toMatchObject({ code: 130 });
    expect(store('ACME Marketing').snapshot().map((w) => w.url)).toContain('https://hooks.example.com/acme/leads');
    expect(store('Globex Inc').snapshot()).toEqual([]);
    expect(stdout).toMatch(/=== globex[^\n]*\nerror: Not started: the run was interrupted before this account\./);
  });

  it('show renders a saved workspace plan as plan printed it, without the network', async () => {
    const { cli, cwd } = await setUp();
    const planned = await cli(['plan', '--out', 'plan.json', '--account', 'acme', '--account', 'globex']);
    expectExit(planned, 0);
    const shown = await rdhooks(['show', 'plan.json', '--detailed-exitcode'], { cwd });
    expectExit(shown, 2);
    expect(shown.stdout).toBe(planned.stdout);
  });

  it('--parallel 1 gives the same plans, in the same order, as the default', async () => {
    const { cli } = await setUp();
    const one = await cli(['plan', '--parallel', '1']);
    const four = await cli(['plan']);
    expect(one.stdout).toBe(four.stdout);
    expectExit(await cli(['plan', '--parallel', '0']), 1);
  });
});

describe('init --workspace and the emulator', () => {
  const emulators: ChildProcess[] = [];
  afterEach(() => {
    for (const c of emulators.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  /** `rdhooks emulator --workspace` in `cwd`: resolves to the variables it prints once it listens. */
  async function serveWorkspace(cwd: string): Promise<Record<string, string>> {
    const child = spawn(process.execPath, [BIN, 'emulator', '--workspace', 'rdhooks.workspace.yaml'], { cwd, env: { PATH: process.env.PATH ?? '' }, stdio: 'pipe' });
    emulators.push(child);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr}`)), 30_000);
      child.stderr.on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('Stop it with Ctrl-C.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`emulator exited: ${stderr}`)));
    });
    return Object.fromEntries([...stderr.matchAll(/\b(RDSTATION_\w+)=(\S+)/g)].map((m) => [m[1] as string, m[2] as string]));
  }

  it('scaffolds a workspace that plans and applies offline, each account in its own emulated account', async () => {
    const cwd = await freshDir();
    const run = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => rdhooks(args, { cwd, env });
    const init = await run(['init', '--workspace', '--ci', 'none']);
    expectExit(init, 0);
    expect(init.stderr).toContain('Wrote rdhooks.workspace.yaml, accounts/acme.yaml, accounts/globex.yaml');
    expectExit(await run(['validate']), 0);
    expectExit(await run(['plan', '--emulator', '--detailed-exitcode']), 0);

    const manifest = await readFile(join(cwd, 'accounts', 'acme.yaml'), 'utf8');
    await writeFile(join(cwd, 'accounts', 'acme.yaml'), manifest.replace('webhooks: []', 'webhooks:\n  - name: leads\n    event_type: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/acme/leads'));
    const applied = await run(['apply', '--emulator', '--auto-approve']);
    expectExit(applied, 0);
    expect(applied.stdout).toContain('Applied: 2 accounts: 1 applied, 1 without changes.');
    expect(await readFile(join(cwd, '.rdhooks', 'emulator', 'acme.json'), 'utf8')).toContain('https://hooks.example.com/acme/leads');
    expect(await readFile(join(cwd, '.rdhooks', 'emulator', 'globex.json'), 'utf8')).not.toContain('/acme/leads');

    // The standalone emulator serves the same accounts, with each one's refresh credentials under its prefix.
    const env = await serveWorkspace(cwd);
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['RDSTATION_API_URL', 'RDSTATION_ACME_REFRESH_TOKEN', 'RDSTATION_GLOBEX_CLIENT_SECRET']));
    const auth = await run(['auth', 'check'], env);
    expectExit(auth, 0);
    expect(auth.stdout).toContain('acme: credentials OK: account "ACME Marketing"');
    const plan = await run(['plan', '--detailed-exitcode'], env);
    expectExit(plan, 0);
    expect(plan.stdout).toContain('Workspace: 2 accounts: 2 without changes.');
  });

  it('refuses a GitLab workspace scaffold and --account without a workspace', async () => {
    const cwd = await freshDir();
    const gitlab = await rdhooks(['init', '--workspace', '--ci', 'gitlab'], { cwd });
    expectExit(gitlab, 1);
    expect(gitlab.stderr).toContain('init --workspace writes GitHub workflows');
    const stray = await rdhooks(['plan', '--emulator', '--account', 'acme'], { cwd });
    expectExit(stray, 1);
    expect(stray.stderr).toContain('--account selects accounts of a workspace, and there is none here');
  });
});
