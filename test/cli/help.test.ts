/** Every help page: one per command and per auth action, only its own flags, what it reads, its exit codes, examples. */
import { describe, expect, it } from '@jest/globals';
import { COMMAND_NAMES } from '../../src/cli/command-names.js';
import { rdhooks } from '../helpers/cli.js';

const PAGES = ['validate', 'plan', 'apply', 'show', 'init', 'export', 'pin', 'emulator', 'auth url', 'auth exchange', 'auth check'];

describe('help pages', () => {
  it.each(PAGES)('rdhooks %s --help', async (command) => {
    const words = command.split(' ');
    const r = await rdhooks([...words, '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Reads[: ]/);
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout.match(/^ {2}rdhooks /gm)?.length).toBeGreaterThanOrEqual(2);
    // A flag's type is never glued to its description by wrapping.
    expect(r.stdout).not.toMatch(/\S\[(number|string|boolean|array)\]/);
    expect(r.stdout).toMatchSnapshot();
    // `rdhooks help COMMAND` is the same page.
    expect((await rdhooks(['help', ...words])).stdout).toBe(r.stdout);
  });

  it('lists only the flags an auth action takes', async () => {
    expect((await rdhooks(['auth', 'url', '--help'])).stdout).not.toContain('--emulator');
    expect((await rdhooks(['auth', 'check', '--help'])).stdout).not.toContain('--redirect-uri');
  });

  it('shows the defaults of the one table', async () => {
    const r = await rdhooks(['plan', '--help']);
    expect(r.stdout).toMatch(/--rate-limit +Requests per minute rdhooks allows itself +\[number\] \[default: 120\]/);
    expect(r.stdout).toMatch(/--timeout +Seconds to wait for one response +\[number\] \[default: 30\]/);
  });

  it('the top-level page lists every command and completion, and COMMAND_NAMES names exactly those commands', async () => {
    const r = await rdhooks(['--help']);
    const listed = [...r.stdout.matchAll(/^ {2}rdhooks ([a-z]+)/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...COMMAND_NAMES, 'completion'].sort());
  });

});

describe('rdhooks completion', () => {
  it('prints a bash script, and completes commands, actions and flags', async () => {
    const script = await rdhooks(['completion'], { env: { SHELL: '/bin/bash' } });
    expect(script.stdout).toContain('_rdhooks_yargs_completions');
    expect(script.stdout).toContain('complete -o bashdefault -o default -F _rdhooks_yargs_completions rdhooks');
    expect((await rdhooks(['--get-yargs-completions', 'rdhooks', 'plan', '--'])).stdout.split('\n')).toEqual(expect.arrayContaining(['--detailed-exitcode', '--replace', '--target']));
    expect((await rdhooks(['--get-yargs-completions', 'rdhooks', 'auth', ''])).stdout.split('\n')).toEqual(expect.arrayContaining(['url', 'exchange', 'check']));
  });

  it('prints a zsh script under zsh', async () => {
    const r = await rdhooks(['completion'], { env: { ZSH_NAME: 'zsh' } });
    expect(r.stdout.split('\n')[0]).toBe('#compdef rdhooks');
  });
});
