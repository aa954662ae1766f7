/** `rdhooks export`. */
import type { Command } from '../run.js';

const exportCommand: Command = {
  command: 'export',
  describe: 'Write a manifest of what the account has now',
  builder: (y) => y,
  async handler(_argv, io) {
    io.stderr.write('error: export is not built yet\n');
    return 1;
  },
};

export default exportCommand;
