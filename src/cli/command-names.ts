/** The words that run a command: the command table's names (run.ts), and what a code cache records per command. */

/** Every command rdhooks has. */
export const COMMAND_NAMES = ['validate', 'plan', 'apply', 'show', 'init', 'export', 'pin', 'auth', 'emulator'] as const;

/** One of COMMAND_NAMES. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * The command `args` run (`plan` of `--debug plan webhooks.yaml`), or `-` for none, a mistyped one, or help and
 * completions, which show a command's flags without running it.
 */
export function commandOf(args: readonly string[]): CommandName | '-' {
  if (args.some((a) => a === '--help' || a === '-h' || a === '--get-yargs-completions')) return '-';
  const word = args.find((a) => !a.startsWith('-'));
  return COMMAND_NAMES.find((name) => name === word) ?? '-';
}
