/** `rdhooks plan [manifest]`. */
import type { Command } from '../run.js';

const planCommand: Command = {
  command: 'plan [manifest]',
  describe: 'Show what apply would change in the account',
  builder: (y) => y,
  async handler(_argv, io) {
    io.stderr.write('error: plan is not built yet\n');
    return 1;
  },
};

export default planCommand;
