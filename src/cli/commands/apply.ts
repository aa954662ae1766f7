/** `rdhooks apply [MANIFEST]` / `rdhooks apply --plan FILE`: plan, confirm, converge, verify. */
import { connectionOptions } from '../connection.js';
import type { Command } from '../run.js';

const applyCommand: Command = {
  command: 'apply [manifest]',
  describe: 'Converge the account to the manifest (or to a saved plan), then verify it',
  builder: (y) =>
    connectionOptions(y)
      .positional('manifest', { type: 'string', default: 'webhooks.yaml', describe: 'The manifest' })
      .option('plan', { type: 'string', describe: 'Apply a plan saved by `rdhooks plan --out FILE` instead of planning anew' })
      .option('auto-approve', { type: 'boolean', default: false, describe: 'Apply without asking (required without a terminal, as in CI)' })
      .option('force', { type: 'boolean', default: false, describe: 'Apply a plan the safety checks call unsafe' })
      .option('concurrency', { type: 'number', default: 4, describe: 'Writes in flight at once, within each phase' })
      .option('format', { choices: ['text', 'markdown'] as const, default: 'text', describe: 'Output format of the plan shown before applying' })
      .option('show-sensitive', { type: 'boolean', default: false, describe: 'Show URL credentials (user info, query values) instead of ***' })
      .option('summary-file', { type: 'string', describe: 'Append the Markdown plan and report to FILE (default: $GITHUB_STEP_SUMMARY when set)' }),
  async handler(argv, io) {
    const { runApply } = await import('../apply.js');
    return runApply(argv, io);
  },
};

export default applyCommand;
