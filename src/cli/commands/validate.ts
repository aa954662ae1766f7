/** `rdhooks validate [MANIFEST]`: the offline manifest check. Its result is the diagnostics, so they go to stdout. */
import type { Argv } from 'yargs';
import type { CommandModule, ParsedArgs } from '../command.js';
import { parseDisplayArgs, sensitiveFlag, type Display } from '../display.js';
import { painter, useColor, type Io } from '../io.js';
import { choiceFlag, DEFAULTS, stringFlag } from '../options.js';

const FORMATS = ['text', 'json', 'github'] as const;

/** Checked options of validate. */
export interface ValidateOptions {
  manifest: string;
  format: (typeof FORMATS)[number];
  display: Display;
}

const validate: CommandModule<ValidateOptions> = {
  builder: (y: Argv) =>
    sensitiveFlag(
      y
        .positional('manifest', { type: 'string', default: DEFAULTS.manifest, describe: 'The manifest to check' })
        .option('format', {
          choices: FORMATS,
          default: 'text',
          describe: 'text: messages with code frames; json: an array of {file, line, column, severity, code, message}; github: workflow commands that annotate a pull request',
        }),
    )
      .epilogue('Reads: the variables the manifest interpolates (${VAR}). Exit codes: 0 valid (warnings allowed), 1 invalid.')
      .example('rdhooks validate', 'Check ./webhooks.yaml')
      .example('rdhooks validate --format github infra/webhooks.yaml', 'Annotate a pull request in GitHub Actions'),

  parse: (argv: ParsedArgs): ValidateOptions => ({
    manifest: stringFlag(argv, 'manifest') ?? DEFAULTS.manifest,
    format: choiceFlag(argv, 'format', FORMATS, 'text'),
    display: parseDisplayArgs(argv),
  }),

  async run(o: ValidateOptions, io: Io): Promise<number> {
    // Loaded here, not at the top: ajv and yaml would slow every other command's start-up.
    const [{ loadManifest }, format] = await Promise.all([import('../../manifest/load.js'), import('../../manifest/format.js')]);
    const result = await loadManifest(o.manifest, io.env, { cwd: io.cwd });
    const failed = result.diagnostics.some((d) => d.severity === 'error');
    switch (o.format) {
      case 'json':
        io.stdout.write(format.formatJson(result.diagnostics, { showSensitive: o.display.showSensitive }));
        break;
      case 'github':
        io.stdout.write(format.formatGithub(result.diagnostics, { showSensitive: o.display.showSensitive }));
        break;
      case 'text': {
        const paint = painter(useColor(io.stdout, io.env, o.display.color));
        io.stdout.write(format.formatText(result.diagnostics, { ...(result.text !== undefined ? { source: result.text } : {}), paint, showSensitive: o.display.showSensitive }));
        io.stdout.write(format.formatSummary(o.manifest, result.diagnostics, result.manifest));
      }
    }
    return failed ? 1 : 0;
  },
};

export default validate;
