/** `rdhooks pin [manifest]`. */
import type { Command } from '../run.js';

const pinCommand: Command = {
  command: 'pin [manifest]',
  describe: 'Write the matched uuids into the manifest',
  builder: (y) => y,
  async handler(_argv, io) {
    io.stderr.write('error: pin is not built yet\n');
    return 1;
  },
};

export default pinCommand;
