/** commandOf: the command a run serves, which names its code cache; help, completions and typos serve none. */
import { describe, expect, it } from '@jest/globals';
import { commandOf } from '../../src/cli/command-names.js';

describe('commandOf', () => {
  it('is the command word, wherever the flags are', () => {
    expect(commandOf(['--debug', 'plan', 'webhooks.yaml'])).toBe('plan');
    expect(commandOf(['auth', 'check'])).toBe('auth');
  });

  it('is "-" for no command, a file, a typo, help and completions', () => {
    const none = [[], ['webhooks.yaml'], ['valdate'], ['--help'], ['plan', '--help'], ['plan', '-h'], ['help', 'plan'], ['completion'], ['--get-yargs-completions', 'rdhooks', 'pl']];
    for (const args of none) expect([args, commandOf(args)]).toEqual([args, '-']);
  });
});
