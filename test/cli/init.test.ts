/** rdhooks init: from an empty repository to a manifest, CI files and a .gitignore, without overwriting anything. */
import { describe, expect, it } from '@jest/globals';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../../src/cli/command.js';
import { CI_TEMPLATES } from '../../src/adopt/ci-templates.js';
import { STARTER_MANIFEST } from '../../src/adopt/scaffold.js';
import { rdhooks } from '../helpers/cli.js';
import { tempDirs } from '../helpers/tmp.js';
import { expectExit } from '../helpers/workspace.js';

const freshDir = tempDirs('init');

describe('rdhooks init', () => {
  it('--emulator exports the account, writes the GitHub workflows and .gitignore; plan then shows no changes', async () => {
    const cwd = await freshDir();
    const r = await rdhooks(['init', '--emulator'], { cwd });
    expectExit(r, EXIT.ok);
    const manifest = await readFile(join(cwd, 'webhooks.yaml'), 'utf8');
    expect(manifest).toContain('# yaml-language-server: $schema=./node_modules/rdhooks/schemas/webhooks.schema.json');
    expect(manifest).toContain('account: RD Station emulator');
    expect((await stat(join(cwd, 'webhooks.yaml'))).mode & 0o777).toBe(0o600);
    for (const t of CI_TEMPLATES.github) expect(await readFile(join(cwd, t.path), 'utf8')).toBe(t.text);
    expect(await readFile(join(cwd, '.gitignore'), 'utf8')).toBe('.rdhooks/\nnode_modules/\n');
    expect(r.stderr).toContain('webhooks.yaml: exported 3 webhooks from the account "RD Station emulator".');
    expect(r.stderr).toContain('1. Set the repository secrets RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET and RDSTATION_REFRESH_TOKEN');
    const plan = await rdhooks(['plan', '--emulator', '--detailed-exitcode'], { cwd });
    expectExit(plan, EXIT.ok);
    expect(plan.stdout).toContain('No changes. The account matches the manifest.');
  });

  it('without credentials writes a commented starter, which validates and plans clean', async () => {
    const cwd = await freshDir();
    expectExit(await rdhooks(['init', '--ci', 'gitlab'], { cwd }), EXIT.ok);
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe(STARTER_MANIFEST);
    expect(await readFile(join(cwd, '.gitlab-ci.yml'), 'utf8')).toBe(CI_TEMPLATES.gitlab[0]?.text);
    expectExit(await rdhooks(['validate'], { cwd }), EXIT.ok);
    expectExit(await rdhooks(['plan', '--emulator', '--detailed-exitcode'], { cwd }), EXIT.ok);
  });

  it('never overwrites without --force, and says so before reading the account', async () => {
    const cwd = await freshDir();
    await writeFile(join(cwd, 'webhooks.yaml'), 'version: 1\n');
    await writeFile(join(cwd, '.gitignore'), 'dist\nnode_modules\n');
    const r = await rdhooks(['init', '--api-url', 'http://127.0.0.1:9'], { cwd, env: { RDSTATION_ACCESS_TOKEN: 'x-token-123' } });
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain('error: init does not overwrite: webhooks.yaml exists.');
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe('version: 1\n');

    expectExit(await rdhooks(['init', '--starter', '--ci', 'none', '--force'], { cwd }), EXIT.ok);
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe(STARTER_MANIFEST);
    expect(await readFile(join(cwd, '.gitignore'), 'utf8')).toBe('dist\nnode_modules\n.rdhooks/\n');
  });
});
