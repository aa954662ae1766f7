/** `rdhooks apply [manifest]`. */
import type { Command } from '../run.js';

const applyCommand: Command = {
  command: 'apply [manifest]',
  describe: 'Converge the account to the manifest',
  builder: (y) => y,
  async handler(_argv, io) {
    io.stderr.write('error: apply is not built yet\n');
    return 1;
  },
};

export default applyCommand;
