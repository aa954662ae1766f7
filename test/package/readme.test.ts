/**
 * The README's own instructions, run as written against the packed tarball installed offline: the onboarding steps
 * in order (from nothing to a green plan through init), and the library example.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EMULATOR_CREDENTIALS, startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { ROOT } from '../helpers/cli.js';
import { installRdhooks, npmEnv, run, type InstalledRepo } from './install.js';

// Packing builds rdhooks and installing unpacks its dependencies: slow on a busy 2-core machine.
const SLOW = 300_000;

let repo: InstalledRepo;
let emulator: EmulatorHandle;
beforeAll(async () => {
  repo = await installRdhooks();
  emulator = await startEmulator();
}, SLOW);
afterAll(async () => {
  await emulator?.close();
  await repo?.remove();
});

/** The fenced block that follows `marker` in the README. */
async function readmeBlock(marker: string): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no "${marker}"`);
  const block = /```\w*\n([\s\S]*?)\n```/.exec(readme.slice(at));
  if (!block?.[1]) throw new Error(`no code block after "${marker}"`);
  return block[1];
}

/** Runs a bash script in the repository, with node_modules/.bin nowhere on PATH (npx must find rdhooks itself). */
function bash(script: string, env: NodeJS.ProcessEnv): ReturnType<typeof run> {
  return run('bash', ['-c', `set -euo pipefail\n${script}`], { cwd: repo.dir, env, timeoutMs: SLOW });
}

describe('the README, run as written', () => {
  it('onboarding: from a repository with rdhooks installed to a green plan, in the order given', async () => {
    const lines = (await readmeBlock('<!-- onboarding:')).split('\n');
    const browser = lines.findIndex((l) => l.startsWith('# Open the URL'));
    // The reader's own values: the app's credentials (the emulator's), and RD Station (the emulator).
    const yours = (l: string): string => l.replace('your-client-id', EMULATOR_CREDENTIALS.clientId).replace('your-client-secret', EMULATOR_CREDENTIALS.clientSecret);
    const stubs = join(repo.dir, '..', 'stubs');
    await mkdir(stubs, { recursive: true });
    // gh, as the README uses it: `gh secret set NAME` stores what arrives on stdin.
    await writeFile(join(stubs, 'gh'), '#!/usr/bin/env bash\n[ "$1 $2" = "secret set" ] || exit 2\ncat >"$(dirname "$0")/secret-$3"\n');
    await chmod(join(stubs, 'gh'), 0o755);
    await run('git', ['init', '-q'], { cwd: repo.dir });
    const env = { ...npmEnv(), PATH: `${stubs}:${process.env.PATH ?? ''}`, RDSTATION_API_URL: emulator.url, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b' };

    const before = await bash(lines.slice(0, browser).map(yours).join('\n'), env);
    expect(before.code).toBe(0);
    // The reader opens the URL and authorizes: the emulator's consent screen redirects with the code.
    const url = before.stdout.trim();
    expect(url.startsWith(`${emulator.url}/auth/dialog?`)).toBe(true);
    const consent = await fetch(url, { redirect: 'manual' });
    const code = new URL(String(consent.headers.get('location'))).searchParams.get('code') ?? '';
    expect(code).not.toBe('');

    const exports = lines.filter((l) => l.startsWith('export ')).map(yours);
    const after = await bash([...exports, ...lines.slice(browser + 1).map((l) => yours(l).replace('CODE', code))].join('\n'), env);
    if (after.code !== 0) throw new Error(`the onboarding steps failed:\n${after.stdout}\n${after.stderr}`);

    expect(await readFile(join(stubs, 'secret-RDSTATION_REFRESH_TOKEN'), 'utf8')).toBe(`${EMULATOR_CREDENTIALS.refreshToken}\n`);
    expect((await stat(join(repo.dir, '.rdhooks/credentials.env'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(repo.dir, 'webhooks.yaml'), 'utf8')).toContain('account: RD Station emulator');
    expect(after.stdout + after.stderr).toContain('Credentials OK: account "RD Station emulator"');
    expect(after.stdout).toContain('No changes. The account matches the manifest.');
    const staged = await run('git', ['diff', '--cached', '--name-only'], { cwd: repo.dir });
    expect(staged.stdout.split('\n')).toEqual(expect.arrayContaining(['webhooks.yaml', '.gitignore', '.github/workflows/rdhooks-plan.yml']));
    expect(staged.stdout).not.toContain('.rdhooks/');
  }, SLOW);

  it('the library example, from the installed package', async () => {
    const dir = join(repo.dir, 'library');
    await mkdir(dir);
    await writeFile(join(dir, 'example.mjs'), await readmeBlock('<!-- library example:'));
    await writeFile(join(dir, 'webhooks.yaml'), 'version: 1\nwebhooks:\n  - name: leads\n    event_type: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/leads\n');
    const r = await run(process.execPath, ['example.mjs'], { cwd: dir, env: npmEnv() });
    if (r.code !== 0) throw new Error(`the library example failed:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toContain('+ leads');
    expect(r.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete.');
    expect(r.stderr).toContain('[1/1] create leads');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('verified: true');
  }, SLOW);
});
