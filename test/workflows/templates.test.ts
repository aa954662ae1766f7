/**
 * The CI templates `rdhooks init` writes are the single source of the example workflows, and nothing a team
 * copies from rdhooks runs `npx rdhooks` (which would fetch whatever package holds that name, with the RD
 * Station secrets in its environment).
 */
import { describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CI_TEMPLATES } from '../../src/adopt/ci-templates.js';
import { ROOT } from '../helpers/cli.js';

const templates = Object.values(CI_TEMPLATES).flat();

/** Every file under a directory of the repository, as repository paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(ROOT.length).replace(/^\//, ''));
}

/** Each `npx` or `npm exec` that could fetch a package: anything but `npx --no-install rdhooks`. */
function unlockedRuns(text: string): string[] {
  return text.split('\n').filter((line) => /\bnpx\b(?! --no-install rdhooks\b)|\bnpm (exec|x)\b/.test(line));
}

describe('CI templates', () => {
  it('write the three GitHub workflows and a .gitlab-ci.yml', () => {
    expect(CI_TEMPLATES.github.map((t) => t.path)).toEqual([
      '.github/workflows/rdhooks-plan.yml',
      '.github/workflows/rdhooks-apply.yml',
      '.github/workflows/rdhooks-drift.yml',
    ]);
    expect(CI_TEMPLATES.gitlab.map((t) => t.path)).toEqual(['.gitlab-ci.yml']);
  });

  it.each(templates.map((t) => [t.example, t] as const))('%s is byte-identical to its template (npm run examples)', async (example, template) => {
    expect(await readFile(join(ROOT, example), 'utf8')).toBe(template.text);
  });

  it.each(templates.map((t) => [t.path, t] as const))('%s is YAML with a header comment', (_, template) => {
    expect(template.text).toMatch(/^# rdhooks /);
    expect(parse(template.text)).toEqual(expect.any(Object));
  });
});

describe('npx rdhooks without --no-install', () => {
  it('is in no template, example, action file or script', async () => {
    const files = ['action.yml', ...(await filesUnder('action')), ...(await filesUnder('examples'))];
    expect(files).toEqual(expect.arrayContaining(['action/lib.sh', 'examples/gitlab-ci.yml', 'examples/github-actions/release.yml']));
    const found: string[] = [];
    for (const f of files) found.push(...unlockedRuns(await readFile(join(ROOT, f), 'utf8')).map((line) => `${f}: ${line.trim()}`));
    for (const t of templates) found.push(...unlockedRuns(t.text).map((line) => `${t.path}: ${line.trim()}`));
    expect(found).toEqual([]);
  });

  it('is what the check catches, while the locked form passes', () => {
    expect(unlockedRuns('run: npx rdhooks plan\nrun: npx -y rdhooks plan\nnpm exec rdhooks\nnpx --no-install rdhooks plan')).toEqual([
      'run: npx rdhooks plan',
      'run: npx -y rdhooks plan',
      'npm exec rdhooks',
    ]);
  });

  it('the action and the GitLab jobs run the locked CLI', async () => {
    expect(await readFile(join(ROOT, 'action/lib.sh'), 'utf8')).toContain('npx --no-install rdhooks "$@"');
    expect(CI_TEMPLATES.gitlab[0]?.text.match(/npx --no-install rdhooks (validate|plan|apply)/g)).toHaveLength(4);
  });
});
