import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { rdhooks, ROOT } from '../helpers/cli.js';

const version = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string }).version;

describe('rdhooks usage', () => {
  it('prints the version', async () => {
    const r = await rdhooks(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints help listing the commands', async () => {
    const r = await rdhooks(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rdhooks validate [manifest]');
  });

  it('prints help for a command', async () => {
    const r = await rdhooks(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--format');
  });

  it.each([
    [['bogus'], 'Unknown argument: bogus'],
    [['validate', '--bogus'], 'Unknown argument: bogus'],
    [[], 'Name a command.'],
    [['valdate'], 'Unknown command: valdate. Did you mean validate?'],
  ])('rejects %j with the help hint and exit 1', async (args, message) => {
    const r = await rdhooks(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: ${message}\n  Run 'rdhooks --help' for usage.\n`);
  });
});
