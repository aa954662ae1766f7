/**
 * The GitHub Action and the example CI workflows, parsed as YAML and run: their structure (triggers,
 * permissions, concurrency, the action's inputs), then their shell against a real emulator, in a workspace where
 * rdhooks is installed from its packed tarball (so `uses: ./node_modules/rdhooks` and `npx --no-install rdhooks`
 * run the package a team gets), with a fake `gh` and a fake GitLab API (see runner.ts for what is faked and how
 * `${{ }}` expressions are evaluated).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { access, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EMULATOR_CREDENTIALS, startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { ROOT, rdhooks } from '../helpers/cli.js';
import { installRdhooks, type InstalledRepo } from '../package/install.js';
import {
  initGh,
  readGh,
  runGithubJob,
  runGitlabJob,
  startFakeGitlab,
  writeStubs,
  type ActionManifest,
  type FakeGitlab,
  type GitlabJob,
  type GithubStep,
  type GithubWorkflow,
  type JobRun,
} from './runner.js';

const REPO = 'acme/webhooks';
const PR = 12;
const MARKER = '<!-- rdhooks-plan -->';
const DRIFT_TITLE = 'rdhooks found drift in the RD Station webhooks';
const ACTION = './node_modules/rdhooks';
const SECRETS = {
  RDSTATION_CLIENT_ID: EMULATOR_CREDENTIALS.clientId,
  RDSTATION_CLIENT_SECRET: EMULATOR_CREDENTIALS.clientSecret,
  RDSTATION_REFRESH_TOKEN: EMULATOR_CREDENTIALS.refreshToken,
};
const SECRETS_ENV = {
  RDSTATION_CLIENT_ID: '${{ secrets.RDSTATION_CLIENT_ID }}',
  RDSTATION_CLIENT_SECRET: '${{ secrets.RDSTATION_CLIENT_SECRET }}',
  RDSTATION_REFRESH_TOKEN: '${{ secrets.RDSTATION_REFRESH_TOKEN }}',
};
const STORE_ROTATED = 'Store rotated refresh tokens';
const INVALID_MANIFEST = 'version: 1\nwebhooks:\n  - name: broken\n    event_type: WEBHOOK.NOPE\n    url: https://hooks.example.com/x\n';

// A job runs rdhooks and npx a dozen times: a hang guard, generous for a busy 2-core machine.
jest.setTimeout(120_000);

/** Webhook receivers on loopback: the drift check probes every target, so its targets must answer (or not, on purpose). */
const receivers: Server[] = [];
async function receiver(status: number): Promise<string> {
  const server = createServer((req, res) => void req.resume().on('end', () => res.writeHead(status).end()));
  receivers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(async () => {
  for (const s of receivers) await new Promise((r) => s.close(r));
});

/** The demo manifest with its targets on a receiver answering `status`, and private (loopback) targets allowed. */
async function demoManifestAt(status: number): Promise<string> {
  const demo = await readFile(join(ROOT, 'webhooks.yaml'), 'utf8');
  return demo.replaceAll('https://hooks.example.com', await receiver(status)).replace('version: 1\n', 'version: 1\ntargets: {allow_private: true}\n');
}

const load = async <T>(file: string): Promise<T> => parse(await readFile(join(ROOT, file), 'utf8')) as T;
const action = await load<ActionManifest>('action.yml');
const github = {
  plan: await load<GithubWorkflow>('examples/github-actions/plan.yml'),
  apply: await load<GithubWorkflow>('examples/github-actions/apply.yml'),
  drift: await load<GithubWorkflow>('examples/github-actions/drift.yml'),
};
const workspaceFlows = {
  plan: await load<GithubWorkflow>('examples/github-actions/workspace/plan.yml'),
  apply: await load<GithubWorkflow>('examples/github-actions/workspace/apply.yml'),
  drift: await load<GithubWorkflow>('examples/github-actions/workspace/drift.yml'),
};
const gitlab = await load<Record<string, unknown>>('examples/gitlab-ci.yml');
const gitlabJob = (name: string): GitlabJob => gitlab[name] as GitlabJob;

let installed: InstalledRepo;
let stubs: string;
let shared: string;
beforeAll(async () => {
  installed = await installRdhooks();
  shared = await mkdtemp(join(tmpdir(), 'rdhooks-workflows-'));
  stubs = await writeStubs(join(shared, 'bin'));
}, 300_000);
afterAll(async () => {
  await rm(shared, { recursive: true, force: true });
  await installed?.remove();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Sandbox {
  dir: string;
  emulator: EmulatorHandle;
  summary: string;
  temp: string;
  /** The environment every job starts from: the runner's, pointed at the emulator. */
  env: Record<string, string>;
}

/**
 * A workspace as `npm ci` leaves it (rdhooks installed from the tarball, in `nodeModulesIn`/node_modules),
 * holding a copy of the repo's webhooks.yaml (or MANIFEST), with a fresh emulator and the stubs on PATH.
 */
async function sandbox(manifest?: string, nodeModulesIn = '.'): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'rdhooks-workflow-'));
  const emulator = await startEmulator();
  cleanups.push(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });
  const workspace = join(dir, 'workspace');
  const temp = join(dir, 'temp');
  await mkdir(temp, { recursive: true });
  await mkdir(workspace);
  await copyFile(join(installed.dir, 'package.json'), join(workspace, 'package.json'));
  await mkdir(join(workspace, nodeModulesIn), { recursive: true });
  await symlink(join(installed.dir, 'node_modules'), join(workspace, nodeModulesIn, 'node_modules'), 'dir');
  if (manifest === undefined) await copyFile(join(ROOT, 'webhooks.yaml'), join(workspace, 'webhooks.yaml'));
  else await writeFile(join(workspace, 'webhooks.yaml'), manifest);
  const summary = join(dir, 'step-summary.md');
  await writeFile(summary, '');
  const env: Record<string, string> = {
    PATH: `${stubs}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: dir,
    CI: 'true',
    NO_COLOR: '1',
    RDSTATION_API_URL: emulator.url,
    // Nothing in CI may download a package: any attempt fails fast here.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    npm_config_offline: 'true',
    ...(await initGh(dir)),
  };
  return { dir: workspace, emulator, summary, temp, env };
}

/** The runner's variables on GitHub. */
function githubEnv(box: Sandbox): Record<string, string> {
  return {
    ...box.env,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: REPO,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_STEP_SUMMARY: box.summary,
    RUNNER_TEMP: box.temp,
  };
}

type Event = 'pull_request' | 'fork' | 'push';

function runGithub(workflow: GithubWorkflow, box: Sandbox, secrets: Record<string, string> = SECRETS, event: Event = 'pull_request'): Promise<JobRun> {
  const jobId = Object.keys(workflow.jobs)[0] ?? '';
  const pr = { number: PR, head: { sha: 'feedfacecafe0000', repo: { full_name: event === 'fork' ? 'someone/webhooks' : REPO } } };
  return runGithubJob(workflow, jobId, {
    cwd: box.dir,
    env: githubEnv(box),
    secrets,
    github: { repository: REPO, token: 'ghs_stub_token', event: event === 'push' ? {} : { pull_request: pr } },
  });
}

/** A one-step workflow that calls the action with `inputs`, the secrets in its env, as the examples do. */
function callAction(inputs: Record<string, string>, uses = ACTION): GithubWorkflow {
  const step: GithubStep = { name: 'rdhooks', id: 'rdhooks', uses, with: inputs, env: SECRETS_ENV };
  return { name: 'test', on: {}, permissions: {}, jobs: { test: { 'runs-on': 'ubuntu-latest', steps: [step] } } };
}

/** What a job printed, for failure messages. */
const transcript = (run: JobRun): string =>
  run.steps.map((s) => `--- ${s.name}: ${s.outcome} (${s.code})\n${s.stdout}${s.stderr}`).join('\n');

/** Asserts how a job ended; on a mismatch the error shows what each step printed. */
function expectJob(run: JobRun, expected: 'success' | 'failure'): void {
  if ((run.success ? 'success' : 'failure') !== expected) throw new Error(`expected the job to end in ${expected}:\n${transcript(run)}`);
}

const allSteps = (w: GithubWorkflow): GithubStep[] => Object.values(w.jobs).flatMap((j) => j.steps);
const actionSteps = (w: GithubWorkflow): GithubStep[] => allSteps(w).filter((s) => s.uses === ACTION);

/** The plan the emulator's account needs, with --detailed-exitcode: 0 when converged. */
async function planExitCode(box: Sandbox): Promise<number | null> {
  const r = await rdhooks(['plan', '--detailed-exitcode'], { cwd: box.dir, env: { ...SECRETS, RDSTATION_API_URL: box.emulator.url } });
  return r.code;
}

describe('action.yml', () => {
  it('is a composite action with the documented inputs and outputs', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs ?? {})).toEqual(['command', 'manifest', 'workspace', 'args', 'working-directory', 'github-token', 'comment', 'drift-issue-title']);
    expect(action.inputs).toMatchObject({
      command: { required: true },
      manifest: { default: 'webhooks.yaml' },
      args: { default: '' },
      'working-directory': { default: '.' },
      'github-token': { default: '${{ github.token }}' },
    });
    for (const name of ['exitcode', 'has-changes', 'plan-markdown-file', 'plan-json-file']) {
      expect(action.outputs?.[name]?.value).toBe(`\${{ steps.rdhooks.outputs.${name} }}`);
    }
  });

  it('runs one bash step from its own folder, every value through env', () => {
    expect(action.runs.steps).toHaveLength(1);
    const [step] = action.runs.steps;
    expect(step).toMatchObject({ id: 'rdhooks', shell: 'bash', 'working-directory': '${{ inputs.working-directory }}' });
    expect(step?.run).toBe('bash "$GITHUB_ACTION_PATH/action/main.sh"');
    for (const value of Object.values(step?.env ?? {})) expect(value).toMatch(/^\$\{\{ (inputs|github)\.[\w.-]+ \}\}$/);
  });
});

describe('GitHub Actions workflows: structure', () => {
  it.each(Object.entries(github))('%s.yml: checkout, setup-node, npm ci, then only the installed action', (_, w) => {
    const steps = allSteps(w);
    expect(steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'persist-credentials': false } });
    expect(steps[1]).toEqual({ uses: 'actions/setup-node@v4', with: { 'node-version': 20, cache: 'npm' } });
    expect(steps[2]).toEqual({ name: 'Install', run: 'npm ci' });
    // The action, and after the step that talks to RD Station, the step that stores a refresh token RD rotated.
    const rest = steps.slice(3).filter((s) => s.name !== STORE_ROTATED);
    expect(rest.map((s) => s.uses)).toEqual(rest.map(() => ACTION));
    const store = steps.find((s) => s.name === STORE_ROTATED);
    const talking = actionSteps(w).filter((s) => s.with?.command !== 'validate');
    expect(store).toEqual({
      name: STORE_ROTATED,
      if: `\${{ always() && steps.${String(talking[0]?.id)}.outputs.refresh-tokens != '' }}`,
      env: { GH_TOKEN: '${{ secrets.RDHOOKS_SECRETS_TOKEN }}', TOKENS: `\${{ steps.${String(talking[0]?.id)}.outputs.refresh-tokens }}` },
      run: expect.stringContaining('gh secret set "$name" --body "$value"'),
    });
    // Secrets only reach the steps that call RD Station, never the whole job; nothing else reaches the action.
    expect(JSON.stringify(w.env ?? {})).not.toContain('secrets.');
    for (const s of actionSteps(w)) {
      expect(s.env ?? {}).toEqual(s.with?.command === 'validate' ? {} : SECRETS_ENV);
      for (const name of Object.keys(s.with ?? {})) expect(Object.keys(action.inputs ?? {})).toContain(name);
      expect(s.with?.manifest).toBe('webhooks.yaml');
    }
  });

  it('plan.yml: on pull_request, may comment, validates, then plans unless the pull request comes from a fork', () => {
    const w = github.plan;
    expect(Object.keys(w.on)).toEqual(['pull_request']);
    expect(w.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(actionSteps(w).map((s) => [s.name, s.with?.command])).toEqual([
      ['Validate', 'validate'],
      ['Plan', 'plan'],
    ]);
    expect(actionSteps(w)[1]?.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it('apply.yml: on push to main, never two at once, validates then applies', () => {
    const w = github.apply;
    expect(w.on.push).toEqual(expect.objectContaining({ branches: ['main'] }));
    expect(w.permissions).toEqual({ contents: 'read' });
    expect(w.concurrency).toEqual({ group: 'rdhooks-apply', 'cancel-in-progress': false });
    expect(actionSteps(w).map((s) => [s.name, s.with?.command])).toEqual([
      ['Validate', 'validate'],
      ['Apply', 'apply'],
    ]);
  });

  it('drift.yml: on a schedule, may write issues, runs the drift command', () => {
    const w = github.drift;
    expect(w.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
    expect(w.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(w.concurrency?.group).not.toBe('rdhooks-apply'); // a queued drift check must never replace a queued apply
    expect(actionSteps(w).map((s) => [s.name, s.with])).toEqual([
      ['Detect drift', { command: 'drift', manifest: 'webhooks.yaml', 'drift-issue-title': DRIFT_TITLE, args: '--check-targets=all' }],
    ]);
  });
});

describe('GitHub Actions: plan.yml on a pull request', () => {
  it('posts the plan as one comment, then updates that comment in place; the plan is in the job summary and in files', async () => {
    const box = await sandbox();
    // 35 comments by people first, so the plan comment lands on the second page of --paginate.
    const others = Array.from({ length: 35 }, (_, i) => ({ id: i + 1, issue: PR, body: i === 3 ? `quoting: ${MARKER}` : `looks good ${i}` }));
    await initGh(join(box.dir, '..'), { comments: others });

    const first = await runGithub(github.plan, box);
    expectJob(first, 'success');
    const outputs = first.step('Plan').outputs;
    expect(outputs).toMatchObject({ exitcode: '2', 'has-changes': 'true' });
    let gh = await readGh(join(box.dir, '..'));
    const mine = gh.state.comments.filter((c) => c.body.startsWith(MARKER));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body).toContain('**Plan: 4 to create, 0 to update, 0 to delete.**');
    expect(mine[0]?.body).toContain('[workflow run](https://github.com/acme/webhooks/actions/runs/4242)');
    expect(mine[0]?.body).toContain('Commit feedfac');
    expect(gh.calls.map((c) => c.args.slice(0, 3).join(' '))).toEqual([`api repos/${REPO}/issues/${PR}/comments --paginate`, 'api -X POST']);
    expect(await readFile(box.summary, 'utf8')).toContain('### rdhooks plan');
    // The plan files live in $RUNNER_TEMP: the Markdown the comment quotes, and the JSON plan.
    expect(outputs['plan-markdown-file']?.startsWith(`${box.temp}/`)).toBe(true);
    const markdown = await readFile(outputs['plan-markdown-file'] ?? '', 'utf8');
    expect(mine[0]?.body).toContain(markdown.trim());
    const json = JSON.parse(await readFile(outputs['plan-json-file'] ?? '', 'utf8')) as { format_version: number; summary: { create: number } };
    expect(json).toMatchObject({ format_version: 2, summary: { create: 4 } });

    // Someone applies; the next push's plan replaces the comment's text rather than adding a comment.
    const applied = await rdhooks(['apply', '--auto-approve'], { cwd: box.dir, env: { ...SECRETS, RDSTATION_API_URL: box.emulator.url } });
    expect(applied.code).toBe(0);
    const second = await runGithub(github.plan, box);
    expectJob(second, 'success');
    expect(second.step('Plan').outputs).toMatchObject({ exitcode: '0', 'has-changes': 'false' });
    gh = await readGh(join(box.dir, '..'));
    expect(gh.state.comments.filter((c) => c.body.startsWith(MARKER))).toHaveLength(1);
    expect(gh.state.comments).toHaveLength(36);
    const patch = gh.calls.find((c) => c.args[2] === 'PATCH');
    expect(patch?.args[3]).toBe(`repos/${REPO}/issues/comments/${mine[0]?.id}`);
    expect(gh.state.comments.find((c) => c.id === mine[0]?.id)?.body).toContain('No changes');
    expect(gh.state.comments[3]?.body).toBe(`quoting: ${MARKER}`); // only a comment that starts with the marker is ours
  });

  it('a failed plan still posts (the error) and then fails the job', async () => {
    const box = await sandbox();
    const run = await runGithub(github.plan, box, { ...SECRETS, RDSTATION_CLIENT_SECRET: 'wrong' });
    expectJob(run, 'failure');
    expect(run.step('Validate').outcome).toBe('success');
    expect(run.step('Plan').outcome).toBe('failure');
    expect(run.step('Plan').stdout).toContain('::error::rdhooks plan failed with exit code 1');
    expect(run.step('Plan').outputs).toEqual(expect.objectContaining({ exitcode: '1', 'has-changes': '', 'plan-json-file': '' }));
    const { state } = await readGh(join(box.dir, '..'));
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]?.body).toMatch(/^<!-- rdhooks-plan -->\n### rdhooks plan failed\n/);
    expect(state.comments[0]?.body).not.toContain('wrong');
    expect(await readFile(box.summary, 'utf8')).toContain('### rdhooks plan failed');
  });

  it('an invalid manifest fails Validate with annotations; the comment shows the problems, not a stale plan', async () => {
    const box = await sandbox(INVALID_MANIFEST);
    const run = await runGithub(github.plan, box);
    expectJob(run, 'failure');
    expect(run.step('Validate').outcome).toBe('failure');
    expect(run.step('Validate').stdout).toMatch(/^::error file=webhooks\.yaml,line=4,col=\d+,/m);
    expect(run.step('Validate').outputs.exitcode).toBe('1');
    expect(run.step('Plan').outcome).toBe('failure');
    const { state } = await readGh(join(box.dir, '..'));
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]?.body).toContain('### rdhooks plan failed');
    expect(state.comments[0]?.body).toContain('webhooks.yaml:4:17: error: webhooks[0] ("broken").event_type');
    expect(box.emulator.requests).toEqual([]);
  });

  it('a pull request from a fork (no secrets) is validated, not planned', async () => {
    const box = await sandbox();
    const run = await runGithub(github.plan, box, {}, 'fork');
    expectJob(run, 'success');
    expect(run.step('Validate').outcome).toBe('success');
    expect(run.step('Plan').outcome).toBe('skipped');
    expect((await readGh(join(box.dir, '..'))).calls).toEqual([]);
  });
});

describe('GitHub Actions: apply.yml and drift.yml', () => {
  it('drift opens one issue and fails, updates it on the next run, closes it once apply converged the account', async () => {
    const box = await sandbox(await demoManifestAt(200));
    const ghDir = join(box.dir, '..');
    await initGh(ghDir, { nextIssue: 3, issues: [{ number: 2, title: `Re: ${DRIFT_TITLE}`, body: 'unrelated', state: 'open', comments: [] }] });

    const first = await runGithub(github.drift, box, SECRETS, 'push');
    expectJob(first, 'failure');
    expect(first.step('Detect drift').stdout).toContain('::error::Drift: the account no longer matches webhooks.yaml.');
    expect(first.step('Detect drift').outputs).toMatchObject({ exitcode: '2', 'has-changes': 'true' });
    let gh = await readGh(ghDir);
    const opened = gh.state.issues.filter((i) => i.title === DRIFT_TITLE);
    expect(opened).toEqual([expect.objectContaining({ number: 3, state: 'open' })]);
    expect(opened[0]?.body).toMatch(/^\*\*Drift:\*\* /);
    expect(opened[0]?.body).toContain('**Plan: 4 to create, 0 to update, 0 to delete.**');
    expect(opened[0]?.body).toContain('at commit 0123456.');
    expect(await readFile(box.summary, 'utf8')).toContain('### rdhooks drift check');

    const second = await runGithub(github.drift, box, SECRETS, 'push');
    expectJob(second, 'failure');
    gh = await readGh(ghDir);
    expect(gh.state.issues.filter((i) => i.title === DRIFT_TITLE)).toHaveLength(1);
    expect(gh.calls.filter((c) => c.args[1] === 'create')).toHaveLength(1);
    expect(gh.calls.at(-1)?.args.slice(0, 3)).toEqual(['issue', 'edit', '3']);

    const apply = await runGithub(github.apply, box, SECRETS, 'push');
    expectJob(apply, 'success');
    expect(apply.step('Apply').stdout).toContain('Apply complete: 4 created');
    expect(apply.step('Apply').outputs.exitcode).toBe('0');
    expect(await planExitCode(box)).toBe(0);

    const clean = await runGithub(github.drift, box, SECRETS, 'push');
    expectJob(clean, 'success');
    expect(clean.step('Detect drift').outputs).toMatchObject({ exitcode: '0', 'has-changes': 'false' });
    gh = await readGh(ghDir);
    expect(gh.state.issues.find((i) => i.number === 3)).toMatchObject({ state: 'closed', comments: [expect.stringContaining('matches the manifest again')] });
    expect(gh.state.issues.find((i) => i.number === 2)).toMatchObject({ state: 'open', body: 'unrelated' });

    const quiet = await runGithub(github.drift, box, SECRETS, 'push');
    expectJob(quiet, 'success');
    expect((await readGh(ghDir)).calls.slice(-1)[0]?.args.slice(0, 2)).toEqual(['issue', 'list']);
  });

  it('drift opens an issue for a webhook RD suspended, and closes it once apply --replace repaired it', async () => {
    const box = await sandbox(await demoManifestAt(200));
    const ghDir = join(box.dir, '..');
    expectJob(await runGithub(github.apply, box, SECRETS, 'push'), 'success');
    const opportunities = box.emulator.store.snapshot().find((w) => String(w.url).endsWith('/rd/opportunity'));
    await box.emulator.store.suspend(String(opportunities?.uuid));

    const suspended = await runGithub(github.drift, box, SECRETS, 'push');
    expectJob(suspended, 'failure');
    let issue = (await readGh(ghDir)).state.issues.find((i) => i.title === DRIFT_TITLE);
    expect(issue).toMatchObject({ state: 'open' });
    expect(issue?.body).toContain('### rdhooks drift check');
    expect(issue?.body).toContain('#### Suspended by RD Station');
    expect(issue?.body).toContain('rdhooks apply --replace opportunities');

    expectJob(await runGithub(callAction({ command: 'apply', args: '--replace opportunities' }), box, SECRETS, 'push'), 'success');
    expectJob(await runGithub(github.drift, box, SECRETS, 'push'), 'success');
    issue = (await readGh(ghDir)).state.issues.find((i) => i.number === issue?.number);
    expect(issue).toMatchObject({ state: 'closed', comments: [expect.stringContaining('matches the manifest again')] });
  });

  it('drift reports a receiver that stopped answering, before RD suspends its webhook', async () => {
    const box = await sandbox(await demoManifestAt(200));
    expectJob(await runGithub(github.apply, box, SECRETS, 'push'), 'success');
    await writeFile(join(box.dir, 'webhooks.yaml'), (await readFile(join(box.dir, 'webhooks.yaml'), 'utf8')).replace(/http:\/\/127\.0\.0\.1:\d+\/rd\/deals/g, `${await receiver(503)}/rd/deals`));
    expectJob(await runGithub(github.apply, box, SECRETS, 'push'), 'success');
    const run = await runGithub(github.drift, box, SECRETS, 'push');
    expectJob(run, 'failure');
    const issue = (await readGh(join(box.dir, '..'))).state.issues.find((i) => i.title === DRIFT_TITLE);
    expect(issue?.body).toContain('#### Targets failing');
    expect(issue?.body).toContain('answered 503');
  });

  it('a refresh token RD rotates during the job is masked and stored as the secret, never shown', async () => {
    const box = await sandbox(await demoManifestAt(200));
    await box.emulator.close();
    const rotating = await startEmulator({ rotateRefreshTokens: true });
    cleanups.push(() => rotating.close());
    const run = await runGithub(github.drift, { ...box, emulator: rotating, env: { ...box.env, RDSTATION_API_URL: rotating.url } }, { ...SECRETS, RDHOOKS_SECRETS_TOKEN: 'secrets-writer' }, 'push');
    const fresh = rotating.credentials.refreshToken;
    expect(fresh).not.toBe(SECRETS.RDSTATION_REFRESH_TOKEN);
    expect(JSON.parse(run.step('Detect drift').outputs['refresh-tokens'] ?? '')).toEqual({ RDSTATION_REFRESH_TOKEN: fresh });
    expect(run.step('Detect drift').stderr.split('\n')).toContain(`::add-mask::${fresh}`);
    const gh = await readGh(join(box.dir, '..'));
    expect(gh.state.secrets).toEqual({ RDSTATION_REFRESH_TOKEN: fresh });
    for (const i of gh.state.issues) expect(i.body).not.toContain(fresh);
  });

  it('a failing drift check is reported as an error, not as drift, and fails', async () => {
    const box = await sandbox();
    const run = await runGithub(github.drift, box, { ...SECRETS, RDSTATION_REFRESH_TOKEN: 'revoked' }, 'push');
    expectJob(run, 'failure');
    expect(run.step('Detect drift').stdout).toContain('::error::The drift check failed: rdhooks plan exited with code 1.');
    const { state } = await readGh(join(box.dir, '..'));
    expect(state.issues).toHaveLength(1);
    expect(state.issues[0]?.body).toMatch(/^\*\*Error:\*\* the drift check itself failed \(`rdhooks plan` exited with code 1\)/);
    expect(state.issues[0]?.body).not.toContain('revoked');
    expect(await readFile(box.summary, 'utf8')).toContain('### rdhooks drift check failed');
  });

  it('apply with an invalid manifest stops at Validate and writes nothing', async () => {
    const box = await sandbox(INVALID_MANIFEST);
    const run = await runGithub(github.apply, box, SECRETS, 'push');
    expectJob(run, 'failure');
    expect(run.step('Validate').stdout).toContain('::error file=webhooks.yaml,');
    expect(run.step('Apply').outcome).toBe('skipped');
    expect(box.emulator.requests).toEqual([]);
  });
});

describe('GitHub Actions: the workspace workflows (init --workspace)', () => {
  const accountSecrets = (globexRefreshToken = 'rt-globex'): Record<string, string> => ({
    RDSTATION_ACME_CLIENT_ID: EMULATOR_CREDENTIALS.clientId,
    RDSTATION_ACME_CLIENT_SECRET: EMULATOR_CREDENTIALS.clientSecret,
    RDSTATION_ACME_REFRESH_TOKEN: 'rt-acme',
    RDSTATION_GLOBEX_CLIENT_ID: EMULATOR_CREDENTIALS.clientId,
    RDSTATION_GLOBEX_CLIENT_SECRET: EMULATOR_CREDENTIALS.clientSecret,
    RDSTATION_GLOBEX_REFRESH_TOKEN: globexRefreshToken,
  });

  /** A sandbox holding the workspace init writes, a webhook in each account's manifest, and an emulator serving both accounts. */
  async function workspaceBox(): Promise<{ box: Sandbox; emulator: EmulatorHandle }> {
    const box = await sandbox();
    const emulator = await startEmulator({ accounts: [{ name: 'ACME Marketing', refreshToken: 'rt-acme' }, { name: 'Globex Inc', refreshToken: 'rt-globex' }] });
    cleanups.push(() => emulator.close());
    const target = await receiver(200);
    const init = await rdhooks(['init', '--workspace', '--ci', 'none'], { cwd: box.dir });
    expect(init.code).toBe(0);
    for (const name of ['acme', 'globex']) {
      const file = join(box.dir, 'accounts', `${name}.yaml`);
      const entry = `targets: {allow_private: true}\nwebhooks:\n  - name: leads\n    event_type: WEBHOOK.CONVERTED\n    url: ${target}/${name}/leads\n`;
      await writeFile(file, (await readFile(file, 'utf8')).replace('webhooks: []\n', entry));
    }
    return { box: { ...box, env: { ...box.env, RDSTATION_API_URL: emulator.url } }, emulator };
  }

  it('plan comments one table for every account; apply converges them all; drift reports the account changed by hand', async () => {
    const { box, emulator } = await workspaceBox();
    const plan = await runGithub(workspaceFlows.plan, box, accountSecrets());
    expectJob(plan, 'success');
    expect(plan.step('Plan').outputs).toMatchObject({ exitcode: '2', 'has-changes': 'true' });
    const { state } = await readGh(join(box.dir, '..'));
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]?.body).toMatch(/^<!-- rdhooks-plan rdhooks\.workspace\.yaml -->\n### rdhooks plan: 2 accounts/);
    expect(state.comments[0]?.body).toMatch(/\| `acme` \(ACME Marketing\) \| 1 \|/);
    expect(state.comments[0]?.body).toMatch(/\| `globex` \(Globex Inc\) \| 1 \|/);
    const json = JSON.parse(await readFile(plan.step('Plan').outputs['plan-json-file'] ?? '', 'utf8')) as { kind: string };
    expect(json.kind).toBe('workspace');

    const apply = await runGithub(workspaceFlows.apply, box, accountSecrets(), 'push');
    expectJob(apply, 'success');
    expect(apply.step('Apply').stdout).toContain('Applied: 2 accounts: 2 applied.');
    for (const name of ['ACME Marketing', 'Globex Inc']) expect(emulator.account(name).store.snapshot()).toHaveLength(1);

    const clean = await runGithub(workspaceFlows.drift, box, accountSecrets(), 'push');
    expectJob(clean, 'success');
    const acme = emulator.account('ACME Marketing').store;
    const hook = acme.snapshot()[0];
    await acme.update(String(hook?.uuid), { ...hook, include_relations: ['COMPANY'] });
    const drift = await runGithub(workspaceFlows.drift, box, accountSecrets(), 'push');
    expectJob(drift, 'failure');
    expect(drift.step('Detect drift').stdout).toContain('::error::Drift: the account no longer matches rdhooks.workspace.yaml.');
    const issue = (await readGh(join(box.dir, '..'))).state.issues.find((i) => i.title === DRIFT_TITLE);
    expect(issue?.body).toMatch(/\| `acme` \(ACME Marketing\) \| 0 \| 1 \|/);
  });

  it('an account with a wrong secret fails the job, and the comment still shows the other account\'s plan', async () => {
    const { box, emulator } = await workspaceBox();
    const plan = await runGithub(workspaceFlows.plan, box, accountSecrets('wrong'));
    expectJob(plan, 'failure');
    const body = (await readGh(join(box.dir, '..'))).state.comments[0]?.body ?? '';
    expect(body).toContain('### rdhooks plan failed');
    expect(body).toMatch(/\| `acme` \(ACME Marketing\) \| 1 \|/);
    expect(body).toMatch(/\| `globex` \(Globex Inc\) \|[ |]*RD Station answered 401/);
    expect(body).not.toContain('rt-acme');

    const apply = await runGithub(workspaceFlows.apply, box, accountSecrets('wrong'), 'push');
    expectJob(apply, 'failure');
    expect(emulator.account('ACME Marketing').store.snapshot()).toHaveLength(1);
    expect(emulator.account('Globex Inc').store.snapshot()).toHaveLength(0);
  });
});

describe('the action on its own', () => {
  it('plans a manifest in a working-directory with extra args; its comment marker names that manifest', async () => {
    const box = await sandbox();
    await mkdir(join(box.dir, 'accounts'));
    await copyFile(join(ROOT, 'webhooks.yaml'), join(box.dir, 'accounts', 'staging.yaml'));
    await initGh(join(box.dir, '..'), { comments: [{ id: 1, issue: PR, body: `${MARKER}\nthe plan of ./webhooks.yaml` }] });
    const run = await runGithub(callAction({ command: 'plan', manifest: 'staging.yaml', 'working-directory': './accounts/', args: '--show-sensitive  --timeout 30' }), box);
    expectJob(run, 'success');
    const { state, calls } = await readGh(join(box.dir, '..'));
    expect(state.comments.map((c) => c.body.split('\n')[0])).toEqual([MARKER, '<!-- rdhooks-plan accounts/staging.yaml -->']);
    expect(calls.map((c) => c.args[2])).toEqual(['--paginate', 'POST']);
    expect(state.comments[1]?.body).toContain('4 to create');
  });

  it('plan outside a pull request writes the files and the summary, and comments on nothing', async () => {
    const box = await sandbox();
    const run = await runGithub(callAction({ command: 'plan' }), box, SECRETS, 'push');
    expectJob(run, 'success');
    expect(run.step('rdhooks').stdout).toContain('Not a pull request: no plan comment.');
    expect(run.step('rdhooks').outputs).toMatchObject({ exitcode: '2', 'has-changes': 'true' });
    expect((await readGh(join(box.dir, '..'))).calls).toEqual([]);
  });

  it('comment: false plans without touching the pull request', async () => {
    const box = await sandbox();
    const run = await runGithub(callAction({ command: 'plan', comment: 'false' }), box);
    expectJob(run, 'success');
    expect((await readGh(join(box.dir, '..'))).calls).toEqual([]);
  });

  it('apply passes args through to rdhooks', async () => {
    const box = await sandbox();
    const run = await runGithub(callAction({ command: 'apply', args: '--concurrency 1' }), box, SECRETS, 'push');
    expectJob(run, 'success');
    expect(await planExitCode(box)).toBe(0);
    const bad = await runGithub(callAction({ command: 'apply', args: '--concurrency nope' }), box, SECRETS, 'push');
    expectJob(bad, 'failure');
    expect(bad.step('rdhooks').outputs.exitcode).toBe('1');
    expect(bad.step('rdhooks').stdout).toContain('::error::rdhooks apply failed with exit code 1');
  });

  it('refuses an unknown command with an annotation', async () => {
    const box = await sandbox();
    const run = await runGithub(callAction({ command: 'destroy' }), box);
    expectJob(run, 'failure');
    expect(run.step('rdhooks').stdout).toBe("::error::rdhooks action: the command input must be validate, plan, apply or drift, not 'destroy'.\n");
  });

  it('says how to install rdhooks when working-directory cannot see it, and never downloads it', async () => {
    const box = await sandbox(undefined, 'tools');
    await mkdir(join(box.dir, 'accounts'));
    const run = await runGithub(callAction({ command: 'validate', 'working-directory': 'accounts' }, './tools/node_modules/rdhooks'), box);
    expectJob(run, 'failure');
    expect(run.step('rdhooks').stdout).toBe(
      `::error::rdhooks action: rdhooks is not installed in ${join(box.dir, 'accounts')}. Add it as a dev dependency ` +
        '(npm install --save-dev --save-exact rdhooks) and run npm ci before this step.\n',
    );
    await expect(access(join(box.dir, '..', '.npm', '_npx'))).rejects.toThrow(); // where npx would have put a download
  });
});

describe('GitLab CI', () => {
  it('has the stages, the rules, and a resource group for apply', () => {
    expect(gitlab.stages).toEqual(['validate', 'plan', 'apply']);
    expect((gitlab.default as { image: string }).image).toBe('node:20');
    expect(gitlabJob('validate')).toMatchObject({ stage: 'validate' });
    expect(gitlabJob('plan')).toMatchObject({ stage: 'plan', needs: [], rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }] });
    expect(gitlabJob('apply')).toMatchObject({
      stage: 'apply',
      resource_group: 'rdhooks-apply',
      rules: [{ if: '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }],
    });
    expect(gitlabJob('drift').rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    // Only the drift job runs in a scheduled pipeline.
    for (const name of ['validate', 'plan', 'apply']) expect(JSON.stringify(gitlabJob(name).rules)).not.toContain('schedule');
    expect(gitlabJob('apply').script.join('\n')).toContain('npx --no-install rdhooks apply "$MANIFEST" --auto-approve');
  });

  describe('jobs', () => {
    let fake: FakeGitlab;
    beforeAll(async () => {
      fake = await startFakeGitlab({ projectId: '77', mrIid: '5', token: 'glpat-stub' });
    });
    afterAll(async () => {
      await fake.close();
    });

    const env = (box: Sandbox, secrets: Record<string, string> = SECRETS) => ({
      ...box.env,
      ...secrets,
      GITLAB_CI: 'true',
      CI_API_V4_URL: fake.apiUrl,
      CI_PROJECT_ID: '77',
      CI_MERGE_REQUEST_IID: '5',
      CI_COMMIT_SHORT_SHA: 'feedfac',
      CI_PIPELINE_URL: 'https://gitlab.example.com/acme/webhooks/-/pipelines/99',
      GITLAB_TOKEN: 'glpat-stub',
    });

    it('plan posts one MR comment (found past the first page), updates it, and fails after posting an error', async () => {
      const box = await sandbox();
      fake.notes.push(...Array.from({ length: 120 }, (_, i) => ({ id: i + 1, body: `comment ${i}` })));
      const first = await runGitlabJob(gitlab, 'plan', box.dir, env(box));
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toContain('Posted the plan comment.');
      const mine = () => fake.notes.filter((n) => n.body.startsWith(MARKER));
      expect(mine()).toHaveLength(1);
      expect(mine()[0]?.body).toContain('**Plan: 4 to create, 0 to update, 0 to delete.**');
      expect(mine()[0]?.body).toContain('[pipeline](https://gitlab.example.com/acme/webhooks/-/pipelines/99)');

      const second = await runGitlabJob(gitlab, 'plan', box.dir, env(box));
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`Updated the plan comment ${mine()[0]?.id}.`);
      expect(fake.notes).toHaveLength(121);
      expect(fake.requests.filter((r) => r.method === 'GET').map((r) => r.query.page)).toEqual(['1', '2', '1', '2']);

      const failed = await runGitlabJob(gitlab, 'plan', box.dir, env(box, { ...SECRETS, RDSTATION_CLIENT_SECRET: 'wrong' }));
      expect(failed.code).toBe(1);
      expect(mine()).toHaveLength(1);
      expect(mine()[0]?.body).toMatch(/^<!-- rdhooks-plan -->\n### rdhooks plan failed\n/);
      expect(await readFile(join(box.dir, 'rdhooks-plan.md'), 'utf8')).toBe('');
    });

    it('drift opens one issue and fails, updates it, and closes it after apply; errors are told apart', async () => {
      const box = await sandbox(await demoManifestAt(200));
      fake.issues.push({ iid: 1, title: `Re: ${DRIFT_TITLE}`, description: 'unrelated', state: 'opened', notes: [] });

      const first = await runGitlabJob(gitlab, 'drift', box.dir, env(box));
      expect(first.code).toBe(1);
      const drift = () => fake.issues.filter((i) => i.title === DRIFT_TITLE);
      expect(drift()).toEqual([expect.objectContaining({ iid: 2, state: 'opened', description: expect.stringMatching(/^\*\*Drift:\*\* /) })]);

      const error = await runGitlabJob(gitlab, 'drift', box.dir, env(box, { ...SECRETS, RDSTATION_CLIENT_ID: 'nobody' }));
      expect(error.code).toBe(1);
      expect(drift()).toHaveLength(1);
      expect(drift()[0]?.description).toMatch(/^\*\*Error:\*\* the drift check itself failed/);

      const apply = await runGitlabJob(gitlab, 'apply', box.dir, env(box));
      expect(apply.code).toBe(0);
      expect(await planExitCode(box)).toBe(0);

      const clean = await runGitlabJob(gitlab, 'drift', box.dir, env(box));
      expect(clean.code).toBe(0);
      expect(drift()[0]).toMatchObject({ state: 'closed', notes: [expect.stringContaining('matches the manifest again')] });
      expect(fake.issues[0]).toMatchObject({ state: 'opened', description: 'unrelated' });
    });

    it('validate fails on an invalid manifest', async () => {
      const box = await sandbox(INVALID_MANIFEST);
      const r = await runGitlabJob(gitlab, 'validate', box.dir, env(box));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('webhooks.yaml:4:');
    });
  });
});
