/**
 * Runs the shell of the example CI workflows the way GitHub Actions and GitLab CI would, close enough to catch a
 * broken script: `run:` steps in order with `bash --noprofile --norc -eo pipefail`, `if:` conditions, step
 * outputs through $GITHUB_OUTPUT, and `${{ }}` expressions. A `uses: ./…` step runs that local composite action
 * (the rdhooks action in node_modules): its inputs with their defaults, its steps with $GITHUB_ACTION_PATH and
 * `working-directory`, its outputs; other `uses:` steps (checkout, setup-node) are skipped, since the test
 * prepares the workspace itself.
 *
 * Expressions: the workflows and the action read `${{ }}` values only through `env:`, `with:`, `if:` and
 * `working-directory:`, never inside a script, so this file understands just what they use: property paths
 * into the github, secrets, steps, env and inputs contexts, string literals, `==`, `!=`, `!`, `&&`, `||`,
 * parentheses and the status functions success(), failure(), always() and cancelled(). Anything else throws, so
 * a workflow cannot silently rely on more.
 *
 * Stubs: `npx` insists on `--no-install` and on not seeing GH_TOKEN, and then is the real npx (so the
 * workspace's installed rdhooks runs),
 * `npm` does nothing, and `gh` is a small stateful fake of the GitHub API (PR comments, issues) that logs every
 * call and applies --jq with the real jq, page by page as gh does with --paginate. GitLab's API is a fake HTTP
 * server that the real curl talks to.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';

// ---------------------------------------------------------------------------------------------- expressions

type Value = string | number | boolean | null | undefined | Record<string, unknown> | unknown[];

/** The contexts an expression reads, and the job status the status functions see. */
export interface ExprContext {
  github: Record<string, unknown>;
  secrets: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
  env: Record<string, string>;
  /** Inside a composite action: its inputs. */
  inputs?: Record<string, string>;
  jobFailed: boolean;
}

const TOKEN = /\s*(\(|\)|==|!=|&&|\|\||!|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_.-]*(?:\(\))?)/y;

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m?.[1]) throw new Error(`unsupported expression syntax at ${start} in: ${src}`);
    tokens.push(m[1]);
  }
  return tokens;
}

/** Evaluates one expression (without the `${{ }}`). */
export function evaluate(src: string, ctx: ExprContext): Value {
  const tokens = tokenize(src);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const next = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`unexpected end of expression: ${src}`);
    return t;
  };
  const truthy = (v: Value): boolean => v !== '' && v !== 0 && v !== false && v !== null && v !== undefined;
  const str = (v: Value): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

  const primary = (): Value => {
    const t = next();
    if (t === '(') {
      const v = or();
      if (next() !== ')') throw new Error(`missing ) in: ${src}`);
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    if (t.endsWith('()')) {
      switch (t) {
        case 'success()':
          return !ctx.jobFailed;
        case 'failure()':
          return ctx.jobFailed;
        case 'always()':
          return true;
        case 'cancelled()':
          return false;
        default:
          throw new Error(`unsupported function ${t} in: ${src}`);
      }
    }
    const [root, ...path] = t.split('.');
    if (root !== 'github' && root !== 'secrets' && root !== 'steps' && root !== 'env' && root !== 'inputs') throw new Error(`unsupported context ${root} in: ${src}`);
    if (root === 'inputs' && !ctx.inputs) throw new Error(`the inputs context exists only inside an action: ${src}`);
    let v: unknown = ctx[root];
    for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    return v as Value;
  };
  const comparison = (): Value => {
    const left = primary();
    const op = peek();
    if (op === '==' || op === '!=') {
      i++;
      const right = primary();
      return (str(left) === str(right)) === (op === '==');
    }
    return left;
  };
  const unary = (): Value => {
    if (peek() === '!') {
      i++;
      return !truthy(unary());
    }
    return comparison();
  };
  const and = (): Value => {
    let v = unary();
    while (peek() === '&&') {
      i++;
      const r = unary();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek() === '||') {
      i++;
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  const result = or();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} in: ${src}`);
  return result;
}

/** Replaces each `${{ expr }}` in a string with its value. */
export function substitute(text: string, ctx: ExprContext): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_, expr: string) => {
    const v = evaluate(expr, ctx);
    return v === null || v === undefined ? '' : String(v);
  });
}

/** Whether a step runs: its `if:` (with `${{ }}` or without), `success()` when absent or without a status function. */
export function shouldRun(condition: unknown, ctx: ExprContext): boolean {
  if (condition === undefined) return !ctx.jobFailed;
  const src = String(condition).trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const expr = /\b(success|failure|always|cancelled)\(\)/.test(src) ? src : `success() && (${src})`;
  const v = evaluate(expr, ctx);
  return v !== '' && v !== 0 && v !== false && v !== null && v !== undefined;
}

// ---------------------------------------------------------------------------------------------- shell

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a script with bash as GitHub's `shell: bash` does; asynchronous, so in-process servers keep answering. */
export function bash(script: string, cwd: string, env: Record<string, string>, timeoutMs = 20_000): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parses a $GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i] ?? '');
      out[heredoc[1]] = body.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- GitHub

/** The parts of a GitHub workflow the runner reads. */
export interface GithubStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

/** The parts of a composite action's action.yml the runner reads. */
export interface ActionManifest {
  name: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: GithubStep[] };
}
export interface GithubWorkflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  env?: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; env?: Record<string, string>; steps: GithubStep[] }>;
}

export interface StepRun extends ShellResult {
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
}

export interface JobRun {
  success: boolean;
  steps: StepRun[];
  step(name: string): StepRun;
}

export interface GithubRunOptions {
  /** The workspace (the checkout). */
  cwd: string;
  /** The runner's own environment: PATH, RUNNER_TEMP, GITHUB_STEP_SUMMARY, GITHUB_REPOSITORY, … */
  env: Record<string, string>;
  github: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** How one step ended, before it gets its name. */
type StepResult = Omit<StepRun, 'name'>;

/** Runs a `run:` step with the environment given, collecting its $GITHUB_OUTPUT. */
async function runScript(step: GithubStep, cwd: string, env: Record<string, string>, outputFile: string): Promise<StepResult> {
  await writeFile(outputFile, '');
  const shell = await bash(String(step.run), cwd, { ...env, GITHUB_OUTPUT: outputFile });
  const outputs = parseOutputs(await readFile(outputFile, 'utf8'));
  return { ...shell, outcome: shell.code === 0 ? 'success' : 'failure', outputs };
}

/**
 * Runs the local composite action `step.uses` (a path in the workspace): inputs from `with:` and the defaults
 * (an undeclared or missing required input throws, where GitHub would only warn), then its steps, each with the
 * environment of the calling step, $GITHUB_ACTION_PATH and its `working-directory`; then its outputs.
 */
async function runLocalAction(step: GithubStep, ctx: ExprContext, env: Record<string, string>, options: GithubRunOptions, tag: string): Promise<StepResult> {
  const path = join(options.cwd, String(step.uses));
  const action = parse(await readFile(join(path, 'action.yml'), 'utf8')) as ActionManifest;
  if (action.runs.using !== 'composite') throw new Error(`${step.uses}: only composite actions run here`);
  const declared = action.inputs ?? {};
  for (const name of Object.keys(step.with ?? {})) if (!(name in declared)) throw new Error(`${step.uses} has no input ${name}`);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const given = step.with?.[name];
    if (given === undefined && spec.required) throw new Error(`${step.uses} needs the input ${name}`);
    inputs[name] = substitute(String(given ?? spec.default ?? ''), ctx);
  }
  const inner: ExprContext = { ...ctx, steps: {}, inputs, jobFailed: false };
  let result: StepResult = { outcome: 'success', code: 0, stdout: '', stderr: '', outputs: {} };
  for (const [index, s] of action.runs.steps.entries()) {
    if (s.run === undefined) throw new Error(`${step.uses}: only run steps are supported in an action`);
    if (!shouldRun(s.if, inner)) continue;
    const stepEnv: Record<string, string> = { ...env, GITHUB_ACTION_PATH: path };
    for (const [k, v] of Object.entries(s.env ?? {})) stepEnv[k] = substitute(String(v), inner);
    const cwd = join(options.cwd, substitute(s['working-directory'] ?? '.', inner));
    const r = await runScript(s, cwd, { ...options.env, ...stepEnv }, join(options.env.RUNNER_TEMP ?? options.cwd, `output-${tag}-${index}`));
    if (s.id) inner.steps[s.id] = { outputs: r.outputs, outcome: r.outcome };
    result = { ...r, stdout: result.stdout + r.stdout, stderr: result.stderr + r.stderr };
    if (r.outcome === 'failure') inner.jobFailed = true;
  }
  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.outputs ?? {})) outputs[name] = substitute(spec.value, inner);
  return { ...result, outcome: inner.jobFailed ? 'failure' : 'success', outputs };
}

/** Runs one job's steps in order, as the runner would: `run:` steps, and `uses: ./…` local composite actions. */
export async function runGithubJob(workflow: GithubWorkflow, jobId: string, options: GithubRunOptions): Promise<JobRun> {
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId}`);
  const ctx: ExprContext = { github: options.github, secrets: options.secrets, steps: {}, env: {}, jobFailed: false };
  const steps: StepRun[] = [];
  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${index}`;
    const env: Record<string, string> = {};
    for (const scope of [workflow.env, job.env]) for (const [k, v] of Object.entries(scope ?? {})) env[k] = substitute(String(v), { ...ctx, env });
    ctx.env = env;
    const local = step.uses?.startsWith('./') === true;
    let result: StepRun;
    if ((step.uses !== undefined && !local) || !shouldRun(step.if, ctx)) {
      result = { name, outcome: 'skipped', code: null, stdout: '', stderr: '', outputs: {} };
    } else {
      for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(String(v), ctx);
      const ran = local
        ? await runLocalAction(step, ctx, env, options, String(index))
        : await runScript(step, options.cwd, { ...options.env, ...env }, join(options.env.RUNNER_TEMP ?? options.cwd, `output-${index}`));
      result = { name, ...ran };
      if (result.outcome === 'failure') ctx.jobFailed = true;
    }
    if (step.id) ctx.steps[step.id] = { outputs: result.outputs, outcome: result.outcome };
    steps.push(result);
  }
  return {
    success: !ctx.jobFailed,
    steps,
    step(name: string) {
      const s = steps.find((x) => x.name === name);
      if (!s) throw new Error(`no step named ${name}; the job has ${steps.map((x) => x.name).join(', ')}`);
      return s;
    },
  };
}

// ---------------------------------------------------------------------------------------------- GitLab

export interface GitlabJob {
  stage: string;
  needs?: string[];
  rules?: { if: string }[];
  resource_group?: string;
  variables?: Record<string, string>;
  before_script?: string[];
  script: string[];
}

/** Runs a GitLab job's before_script and script as one bash script, as the shell executor does. */
export function runGitlabJob(doc: Record<string, unknown>, jobName: string, cwd: string, env: Record<string, string>): Promise<ShellResult> {
  const job = doc[jobName] as GitlabJob | undefined;
  if (!job) throw new Error(`no job ${jobName}`);
  const defaults = (doc.default ?? {}) as { before_script?: string[] };
  const script = [...(job.before_script ?? defaults.before_script ?? []), ...job.script].join('\n');
  const variables = { ...((doc.variables ?? {}) as Record<string, string>), ...(job.variables ?? {}) };
  return bash(script, cwd, { ...env, ...variables });
}

// ---------------------------------------------------------------------------------------------- stubs

/** The first executable NAME on this process's PATH. */
function onPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} is not on PATH`);
}

/** Writes stub `npx`, `npm` and `gh` into DIR and returns it (put it first on PATH). */
export async function writeStubs(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const node = process.execPath;
  const files: Record<string, string> = {
    npx: `#!/usr/bin/env bash
# CI must run the rdhooks the workspace installed: npx without --no-install could fetch a package by name.
set -euo pipefail
if [ "\${1:-}" != --no-install ]; then echo "stub npx: refusing npx $*: pass --no-install first" >&2; exit 127; fi
# The GitHub token is for gh alone.
if [ -n "\${GH_TOKEN:-}" ]; then echo "stub npx: GH_TOKEN reached npx $*" >&2; exit 126; fi
exec "${onPath('npx')}" "$@"
`,
    npm: `#!/usr/bin/env bash
echo "stub npm $*" >>"\${NPM_STUB_LOG:-/dev/null}"
`,
    gh: `#!${node}\n${GH_STUB}`,
  };
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), text);
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

/** One pull-request comment or issue of the fake GitHub. */
export interface GhState {
  nextId: number;
  nextIssue: number;
  comments: { id: number; issue: number; body: string }[];
  issues: { number: number; title: string; body: string; state: 'open' | 'closed'; comments: string[] }[];
  /** Repository secrets set with `gh secret set NAME --body VALUE`. */
  secrets?: Record<string, string>;
}

export interface GhCall {
  args: string[];
  /** The files gh read (-F body=@FILE, --body-file FILE), by path. */
  files: Record<string, string>;
}

/** The fake `gh`: CommonJS for the stub's own node process; state in $GH_STUB_STATE, one JSON line per call in $GH_STUB_LOG. */
const GH_STUB = String.raw`
const fs = require('fs');
const { spawnSync } = require('child_process');
const args = process.argv.slice(2);
const stateFile = process.env.GH_STUB_STATE;
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
const VALUE = new Set(['-X', '--method', '--jq', '-q', '-F', '--field', '-f', '--raw-field', '--repo', '-R', '--state', '--search', '--json', '--title', '-t', '--body', '-b', '--body-file', '--comment', '-c']);
const FIELD = new Set(['-F', '--field', '-f', '--raw-field']);
const flags = {}, pos = [], fields = {}, files = {};
const read = (p) => (files[p] = fs.readFileSync(p, 'utf8'));
function fail(message, code = 1) { process.stderr.write(message + '\n'); process.exit(code); }
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (VALUE.has(a) && args[0] === 'api' && FIELD.has(a)) {
    const f = args[++i], k = f.slice(0, f.indexOf('='));
    let v = f.slice(f.indexOf('=') + 1);
    if (a !== '-f' && a !== '--raw-field' && v.startsWith('@')) v = read(v.slice(1));
    fields[k] = v;
  } else if (VALUE.has(a)) flags[a] = args[++i];
  else if (a.startsWith('-')) flags[a] = true;
  else pos.push(a);
}
if (flags['--body-file'] !== undefined) read(flags['--body-file']);
fs.appendFileSync(process.env.GH_STUB_LOG, JSON.stringify({ args, files }) + '\n');
if (!process.env.GH_TOKEN) fail('gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.', 4);
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state));
const jq = flags['--jq'] ?? flags['-q'];
function out(value) {
  if (flags['--silent']) return;
  if (!jq) return void process.stdout.write(JSON.stringify(value) + '\n');
  const r = spawnSync('jq', ['-r', jq], { input: JSON.stringify(value), encoding: 'utf8', env: process.env });
  if (r.error || r.status !== 0) fail('jq: ' + (r.error ? r.error.message : r.stderr));
  process.stdout.write(r.stdout);
}
const repo = process.env.GITHUB_REPOSITORY;
const [cmd, sub] = pos;
if (cmd === 'api') {
  const method = String(flags['-X'] ?? flags['--method'] ?? (Object.keys(fields).length ? 'POST' : 'GET')).toUpperCase();
  const path = String(pos[1]).replace(/^\//, '');
  const prefix = 'repos/' + repo + '/issues/';
  if (!path.startsWith(prefix)) fail('gh: Not Found (HTTP 404)');
  const rest = path.slice(prefix.length);
  const list = /^(\d+)\/comments$/.exec(rest), one = /^comments\/(\d+)$/.exec(rest);
  if (list && method === 'GET') {
    const all = state.comments.filter((c) => c.issue === Number(list[1]));
    const pages = flags['--paginate'] ? Math.max(1, Math.ceil(all.length / 30)) : 1;
    for (let p = 0; p < pages; p++) out(all.slice(p * 30, p * 30 + 30));
  } else if (list && method === 'POST') {
    if (typeof fields.body !== 'string' || fields.body === '') fail('gh: body is missing (HTTP 422)');
    const c = { id: state.nextId++, issue: Number(list[1]), body: fields.body };
    state.comments.push(c); save(); out(c);
  } else if (one && method === 'PATCH') {
    const c = state.comments.find((x) => x.id === Number(one[1]));
    if (!c) fail('gh: Not Found (HTTP 404)');
    c.body = fields.body; save(); out(c);
  } else fail('stub gh: unsupported api call ' + method + ' ' + path);
} else if (cmd === 'issue') {
  if ((flags['--repo'] ?? flags['-R']) !== repo) fail('stub gh: pass --repo "$GITHUB_REPOSITORY"');
  const find = (n) => state.issues.find((i) => i.number === Number(n)) ?? fail('GraphQL: Could not resolve to an issue with the number of ' + n);
  const body = () => (flags['--body-file'] !== undefined ? files[flags['--body-file']] : flags['--body'] ?? flags['-b']);
  if (sub === 'list') {
    if (!flags['--json']) fail('stub gh: use --json');
    const st = flags['--state'] ?? 'open';
    const keys = String(flags['--json']).split(',');
    out(state.issues.filter((i) => st === 'all' || i.state === st).map((i) => Object.fromEntries(keys.map((k) => [k, i[k]]))));
  } else if (sub === 'create') {
    const title = flags['--title'] ?? flags['-t'];
    if (!title || body() === undefined) fail('stub gh: issue create needs --title and a body');
    const n = state.nextIssue++;
    state.issues.push({ number: n, title, body: body(), state: 'open', comments: [] }); save();
    process.stdout.write('https://github.com/' + repo + '/issues/' + n + '\n');
  } else if (sub === 'edit') {
    const i = find(pos[2]); if (body() !== undefined) i.body = body(); save();
  } else if (sub === 'comment') {
    find(pos[2]).comments.push(body()); save();
  } else if (sub === 'close') {
    const i = find(pos[2]); if (flags['--comment'] ?? flags['-c']) i.comments.push(flags['--comment'] ?? flags['-c']);
    i.state = 'closed'; save();
  } else fail('stub gh: unsupported issue ' + sub);
} else if (cmd === 'secret' && sub === 'set') {
  const value = flags['--body'] ?? flags['-b'];
  if (typeof value !== 'string' || !pos[2]) fail('stub gh: secret set NAME --body VALUE');
  state.secrets = { ...(state.secrets ?? {}), [pos[2]]: value }; save();
} else fail('stub gh: unsupported command ' + args.join(' '));
`;

export async function readGh(dir: string): Promise<{ state: GhState; calls: GhCall[] }> {
  const state = JSON.parse(await readFile(join(dir, 'gh-state.json'), 'utf8')) as GhState;
  const log = await readFile(join(dir, 'gh-log.jsonl'), 'utf8').catch(() => '');
  return { state, calls: log.split('\n').filter(Boolean).map((l) => JSON.parse(l) as GhCall) };
}

export async function initGh(dir: string, state: Partial<GhState> = {}): Promise<Record<string, string>> {
  const full: GhState = { nextId: 1000, nextIssue: 1, comments: [], issues: [], ...state };
  await writeFile(join(dir, 'gh-state.json'), JSON.stringify(full));
  await writeFile(join(dir, 'gh-log.jsonl'), '');
  return { GH_STUB_STATE: join(dir, 'gh-state.json'), GH_STUB_LOG: join(dir, 'gh-log.jsonl') };
}

// ---------------------------------------------------------------------------------------------- fake GitLab

export interface GitlabRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  form: Record<string, string>;
}

export interface FakeGitlab {
  /** CI_API_V4_URL */
  apiUrl: string;
  notes: { id: number; body: string }[];
  issues: { iid: number; title: string; description: string; state: 'opened' | 'closed'; notes: string[] }[];
  requests: GitlabRequest[];
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** The few GitLab REST endpoints the workflow uses, for one project and one merge request, behind PRIVATE-TOKEN. */
export async function startFakeGitlab(options: { projectId: string; mrIid: string; token: string }): Promise<FakeGitlab> {
  let nextId = 500;
  const fake: Omit<FakeGitlab, 'apiUrl' | 'close'> = { notes: [], issues: [], requests: [] };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const form = Object.fromEntries(new URLSearchParams(await body(req)));
      const query = Object.fromEntries(url.searchParams);
      const method = req.method ?? 'GET';
      fake.requests.push({ method, path: url.pathname, query, form });
      const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      if (req.headers['private-token'] !== options.token) return send(401, { message: '401 Unauthorized' });
      const base = `/api/v4/projects/${encodeURIComponent(options.projectId)}`;
      const p = url.pathname;
      const notesPath = `${base}/merge_requests/${options.mrIid}/notes`;
      if (p === notesPath && method === 'GET') {
        const perPage = Number(query.per_page ?? 20);
        const page = Number(query.page ?? 1);
        const total = fake.notes.length;
        const headers: Record<string, string> = { 'x-total': String(total) };
        if (page * perPage < total) headers['x-next-page'] = String(page + 1);
        return send(200, fake.notes.slice((page - 1) * perPage, page * perPage), headers);
      }
      if (p === notesPath && method === 'POST') {
        if (!form.body) return send(400, { message: 'body is missing' });
        const note = { id: nextId++, body: form.body };
        fake.notes.push(note);
        return send(201, note);
      }
      const note = new RegExp(`^${notesPath}/(\\d+)$`).exec(p);
      if (note && method === 'PUT') {
        const n = fake.notes.find((x) => x.id === Number(note[1]));
        if (!n) return send(404, { message: '404 Not found' });
        if (!form.body) return send(400, { message: 'body is missing' });
        n.body = form.body;
        return send(200, n);
      }
      if (p === `${base}/issues` && method === 'GET') {
        const search = (query.search ?? '').toLowerCase();
        const list = fake.issues.filter((i) => (!query.state || i.state === query.state) && i.title.toLowerCase().includes(search));
        return send(200, list.map(({ iid, title, description, state }) => ({ iid, title, description, state })));
      }
      if (p === `${base}/issues` && method === 'POST') {
        if (!form.title) return send(400, { message: 'title is missing' });
        const issue = { iid: fake.issues.length + 1, title: form.title, description: form.description ?? '', state: 'opened' as const, notes: [] };
        fake.issues.push(issue);
        return send(201, issue);
      }
      const issue = new RegExp(`^${base}/issues/(\\d+)(/notes)?$`).exec(p);
      const found = issue ? fake.issues.find((i) => i.iid === Number(issue[1])) : undefined;
      if (issue && !found) return send(404, { message: '404 Issue Not Found' });
      if (found && issue?.[2] && method === 'POST') {
        if (!form.body) return send(400, { message: 'body is missing' });
        found.notes.push(form.body);
        return send(201, { body: form.body });
      }
      if (found && !issue?.[2] && method === 'PUT') {
        if (form.description !== undefined) found.description = form.description;
        if (form.state_event === 'close') found.state = 'closed';
        return send(200, found);
      }
      return send(404, { message: `404 ${method} ${p} is not faked` });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...fake,
    apiUrl: `http://127.0.0.1:${port}/api/v4`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
