/** `rdhooks emulator`. */
import type { Command } from '../run.js';

const emulatorCommand: Command = {
  command: 'emulator',
  describe: 'Run the local RD Station API emulator',
  builder: (y) => y,
  async handler(_argv, io) {
    io.stderr.write('error: emulator is not built yet\n');
    return 1;
  },
};

export default emulatorCommand;
