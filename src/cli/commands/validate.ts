/** `rdhooks validate [MANIFEST]`: the offline manifest check. */
import type { Command } from '../run.js';

const validate: Command = {
  command: 'validate [manifest]',
  describe: 'Check a manifest offline and report every problem with its position',
  builder: (y) =>
    y
      .positional('manifest', { type: 'string', default: 'webhooks.yaml', describe: 'The manifest to check' })
      .option('format', { choices: ['text', 'json', 'github'] as const, default: 'text', describe: 'Output format' }),
  async handler(argv, io) {
    io.stdout.write(`validate ${String(argv.manifest)}: not built yet\n`);
    return 1;
  },
};

export default validate;
