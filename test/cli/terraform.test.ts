/** Habits a Terraform user brings: saved plans shown offline, -replace, -target, single-dash flags, and clear failures. */
import { describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, runCli } from '../../src/cli/run.js';
import { rdhooks } from '../helpers/cli.js';
import { writeCalls } from '../helpers/emulator.js';
import { A, B, HOOKS, MANIFEST as BASE, PROMPT, WEBHOOKS } from '../helpers/account.js';
import { expectExit, memoryIo, workspaces } from '../helpers/workspace.js';

/** Updates a, creates c; b is as the account has it. */
const MANIFEST = BASE.replace('    include_relations: [CONTACT_FUNNEL]\n', '');

const workspace = workspaces('terraform');
const setup = (manifest = MANIFEST) => workspace([A, B], manifest);

describe('rdhooks show', () => {
  it('renders a saved plan exactly as plan printed it, in every format, without network', async () => {
    const { cwd, cli } = await setup();
    const planned = await cli(['plan', '--out', 'plan.json']);
    expectExit(planned, EXIT.ok);
    const shown = await rdhooks(['show', 'plan.json'], { cwd });
    expectExit(shown, EXIT.ok);
    expect(shown.stdout).toBe(planned.stdout);
    for (const format of ['markdown', 'json']) {
      const printed = await cli(['plan', '--format', format]);
      // A saved plan keeps URLs whole; shown, they are masked as plan masks them.
      expect((await rdhooks(['show', 'plan.json', '--format', format], { cwd })).stdout).toBe(printed.stdout);
    }
    expect((await rdhooks(['show', 'plan.json', '--detailed-exitcode'], { cwd })).code).toBe(2);
  });

  it('says what is wrong with a file that is not a plan', async () => {
    const { cwd } = await setup();
    await writeFile(join(cwd, 'x.json'), '{"format_version": 1}');
    const r = await rdhooks(['show', 'x.json'], { cwd });
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain('x.json is not a plan this rdhooks can read: format_version is 1, and this rdhooks reads format_version 2.');
  });
});

describe('--replace and --target', () => {
  it('--replace deletes and creates again, reporting the new uuid; the next plan is clean', async () => {
    const { handle, cli } = await setup(MANIFEST.replace('    include_relations: [COMPANY]\n', ''));
    expectExit(await cli(['apply', '--auto-approve']), EXIT.ok);
    handle.requests.length = 0;
    const plan = await cli(['plan', '--replace', 'b']);
    expect(plan.stdout).toContain('-/+ b');
    expect(plan.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 to replace.');
    const r = await cli(['apply', '--auto-approve', '--replace', 'b']);
    expectExit(r, EXIT.ok);
    expect(writeCalls(handle)).toEqual([`DELETE ${WEBHOOKS}/${B.uuid}`, `POST ${WEBHOOKS}`]);
    const fresh = handle.store.snapshot().find((w) => w.url === `${HOOKS}/b`);
    expect(r.stdout).toContain(`replaced b ${String(fresh?.uuid)} ${HOOKS}/b (was ${B.uuid}`);
    expect(r.stdout).toContain('Apply complete: 0 created, 0 updated, 0 deleted, 1 replaced. Verified: the account matches the manifest.');
  });

  it('--target plans and applies only the named entries, says the plan is partial, and verifies only them', async () => {
    const { handle, cli } = await setup();
    const plan = await cli(['plan', '--target', 'c']);
    expect(plan.stdout).toContain('Partial plan: only c (--target); prune is off');
    expect(plan.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete.');
    handle.requests.length = 0;
    const r = await cli(['apply', '--auto-approve', '--target', 'c']);
    expectExit(r, EXIT.ok);
    expect(writeCalls(handle)).toEqual([`POST ${WEBHOOKS}`]);
    expect(r.stdout).toContain('Verified: the account matches the saved plan.');
  });

  it('names an address that matches nothing', async () => {
    const { cli } = await setup();
    const r = await cli(['plan', '--target', 'nope']);
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain('error: --target nope: no entry of the manifest and no listed webhook has that address.');
  });

  it('a saved targeted plan is applied as it was asked, and refuses flags that would change it', async () => {
    const { handle, cli } = await setup();
    expectExit(await cli(['plan', '--target', 'c', '--out', 'plan.json']), EXIT.ok);
    const refused = await cli(['apply', '--plan', 'plan.json', '--target', 'a']);
    expectExit(refused, EXIT.error);
    expect(refused.stderr).toContain('--replace and --target do not go with --plan');
    handle.requests.length = 0;
    expectExit(await cli(['apply', '--plan', 'plan.json']), EXIT.ok);
    expect(writeCalls(handle)).toEqual([`POST ${WEBHOOKS}`]);
  });
});

describe('flags as Terraform users type them', () => {
  it('reads single-dash long flags as their double-dash form, with a notice', async () => {
    const { cli } = await setup();
    const r = await cli(['plan', '-detailed-exitcode', '-no-color']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('note: reading -detailed-exitcode as --detailed-exitcode\n');
    expect(r.stderr).toContain('note: reading -no-color as --no-color\n');
  });

  it.each([
    [['plan', '-detailed-exit-code'], 'Unknown option -detailed-exit-code; did you mean --detailed-exitcode?'],
    [['plan', '--detailed-exit-code'], 'Unknown argument: detailed-exit-code; did you mean --detailed-exitcode?'],
    [['apply', '--auto-aprove'], 'Unknown argument: auto-aprove; did you mean --auto-approve?'],
    [['auth', 'url', '--emulator'], '--emulator does not apply to rdhooks auth url.'],
  ])('%j gets a suggestion, before anything is read', async (args, message) => {
    const r = await rdhooks(args);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });
});

describe('output a Terraform user can act on', () => {
  it('prints a failed write once: progress says failed, the report says why; the advice fits a refused target', async () => {
    const target = `${HOOKS}/c`;
    const { handle, cli } = await setup();
    handle.faults.validateUrls = true; // RD calls the target on create; hooks.example.com does not answer here.
    const r = await cli(['apply', '--auto-approve']);
    expectExit(r, EXIT.error);
    expect(r.stderr).toMatch(/^\[2\/2\] failed to create c https:\/\/hooks\.example\.com\/c in [\d.]+s$/m);
    expect(r.stderr.match(/could not validate the target URL/g) ?? []).toHaveLength(0);
    expect(r.stdout.match(/could not validate the target URL/g) ?? []).toHaveLength(1);
    expect(r.stdout).toContain(`Make each target named above answer 2xx to a JSON POST over https (rdhooks plan --check-targets probes them), then apply again.`);
    expect(r.stdout).not.toContain('Run rdhooks apply again.');
    expect(target).toBeTruthy();
  });

  it('Ctrl-C at the prompt says nothing changed, and exits 130', async () => {
    const { cwd, env, handle } = await setup();
    const { io, out } = memoryIo(cwd, env, { stdinTTY: true, prompt: PROMPT, onPrompt: async () => void process.emit('SIGINT', 'SIGINT') });
    const code = await runCli(['apply', '--api-url', handle.url], io);
    expect(code).toBe(EXIT.interrupted);
    expect(out.stderr).toContain('Interrupted at the prompt; nothing was changed.');
    expect(writeCalls(handle)).toEqual([]);
  });

  it('--color and FORCE_COLOR colour a piped plan', async () => {
    const { cli } = await setup();
    expect((await cli(['plan', '--color'])).stdout).toContain('\u001b[');
    expect((await cli(['plan'])).stdout).not.toContain('\u001b[');
  });
});
