/** `rdhooks validate [MANIFEST]`: the offline manifest check. Its result is the diagnostics, so they go to stdout. */
import { painter, useColor } from '../io.js';
import type { Command } from '../run.js';

const validate: Command = {
  command: 'validate [manifest]',
  describe: 'Check a manifest offline and report every problem with its position',
  builder: (y) =>
    y
      .positional('manifest', { type: 'string', default: 'webhooks.yaml', describe: 'The manifest to check' })
      .option('format', {
        choices: ['text', 'json', 'github'] as const,
        default: 'text',
        describe: 'text: messages with code frames; json: an array of {file, line, column, severity, code, message}; github: workflow commands that annotate a pull request',
      }),
  async handler(argv, io) {
    // Loaded here, not at the top: ajv and yaml would slow every other command's start-up.
    const [{ loadManifest }, format] = await Promise.all([
      import('../../manifest/load.js'),
      import('../../manifest/format.js'),
    ]);
    const file = String(argv.manifest);
    const result = await loadManifest(file, io.env, { cwd: io.cwd });
    const failed = result.diagnostics.some((d) => d.severity === 'error');
    switch (argv.format) {
      case 'json':
        io.stdout.write(format.formatJson(result.diagnostics));
        break;
      case 'github':
        io.stdout.write(format.formatGithub(result.diagnostics));
        break;
      default: {
        const paint = painter(useColor(io.stdout, io.env, argv.color as boolean | undefined));
        io.stdout.write(format.formatText(result.diagnostics, { ...(result.text !== undefined ? { source: result.text } : {}), paint }));
        io.stdout.write(format.formatSummary(file, result.diagnostics, result.manifest));
      }
    }
    return failed ? 1 : 0;
  },
};

export default validate;
