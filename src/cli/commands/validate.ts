/** `rdhooks validate [MANIFEST]`: the offline manifest check. Its result is the diagnostics, so they go to stdout. */
import type { Argv } from 'yargs';
import type { CommandModule, ParsedArgs } from '../command.js';
import { parseDisplayArgs, sensitiveFlag, type Display } from '../display.js';
import { painter, useColor, type Io } from '../io.js';
import type { Diagnostic, Manifest } from '../../manifest/types.js';
import { escapeControl } from '../../shared/text.js';
import { count } from '../../shared/wording.js';
import { choiceFlag, DEFAULTS, stringFlag } from '../options.js';
import { chooseWorkspace, parseWorkspaceArgs, workspaceFlags, type WorkspaceOptions } from '../workspace-flags.js';

const FORMATS = ['text', 'json', 'github'] as const;

/** Checked options of validate. */
export interface ValidateOptions {
  /** The manifest argument, when given. */
  manifest?: string;
  workspace: WorkspaceOptions;
  format: (typeof FORMATS)[number];
  display: Display;
}

const validate: CommandModule<ValidateOptions> = {
  builder: (y: Argv) =>
    sensitiveFlag(
      workspaceFlags(y)
        .positional('manifest', { type: 'string', describe: `The manifest to check (default ${DEFAULTS.manifest})` })
        .option('format', {
          choices: FORMATS,
          default: 'text',
          describe: 'text: messages with code frames; json: an array of {file, line, column, severity, code, message}; github: workflow commands that annotate a pull request',
        }),
    )
      .epilogue('Reads: the variables the manifest interpolates (${VAR}). Exit codes: 0 valid (warnings allowed), 1 invalid.')
      .example('rdhooks validate', 'Check ./webhooks.yaml')
      .example('rdhooks validate --format github infra/webhooks.yaml', 'Annotate a pull request in GitHub Actions')
      .example('rdhooks validate --account acme', 'Check ./rdhooks.workspace.yaml and the manifest of its account acme'),

  parse(argv: ParsedArgs): ValidateOptions {
    const manifest = stringFlag(argv, 'manifest');
    return {
      ...(manifest !== undefined ? { manifest } : {}),
      workspace: parseWorkspaceArgs(argv),
      format: choiceFlag(argv, 'format', FORMATS, 'text'),
      display: parseDisplayArgs(argv),
    };
  },

  async run(o: ValidateOptions, io: Io): Promise<number> {
    const workspace = await chooseWorkspace(o.manifest, o.workspace, io);
    // Loaded here, not at the top: ajv and yaml would slow every other command's start-up.
    const checked = workspace === undefined ? [await checkManifest(o.manifest ?? DEFAULTS.manifest, io)] : await checkWorkspace(workspace, o.workspace, io);
    const format = await import('../../manifest/format.js');
    const diagnostics = checked.flatMap((c) => c.result.diagnostics);
    const options = { showSensitive: o.display.showSensitive };
    if (o.format === 'json') io.stdout.write(format.formatJson(diagnostics, options));
    if (o.format === 'github') io.stdout.write(format.formatGithub(diagnostics, options));
    if (o.format === 'text') {
      const paint = painter(useColor(io.stdout, io.env, o.display.color));
      for (const { label, result, valid } of checked) {
        io.stdout.write(format.formatText(result.diagnostics, { ...(result.text !== undefined ? { source: result.text } : {}), paint, ...options }));
        io.stdout.write(valid ?? format.formatSummary(label, result.diagnostics, result.manifest));
      }
    }
    return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};

/** One file checked: what the summary line calls it, and what loading it found. */
interface Checked {
  label: string;
  result: { diagnostics: Diagnostic[]; text?: string; manifest?: Manifest };
  /** The summary line of a valid workspace file (not a manifest). */
  valid?: string;
}

async function checkManifest(file: string, io: Io): Promise<Checked> {
  const { loadManifest } = await import('../../manifest/load.js');
  return { label: file, result: await loadManifest(file, io.env, { cwd: io.cwd }) };
}

/** The workspace file, then each selected account's manifest (when the workspace itself is valid). */
async function checkWorkspace(file: string, o: WorkspaceOptions, io: Io): Promise<Checked[]> {
  const [{ loadWorkspace }, { loadAccountManifest }, { selectAccounts }] = await Promise.all([
    import('../../workspace/load.js'),
    import('../../workspace/account.js'),
    import('../../workspace/select.js'),
  ]);
  const loaded = await loadWorkspace(file, io.env, { cwd: io.cwd });
  const own: Checked = { label: file, result: { diagnostics: loaded.diagnostics, ...(loaded.text !== undefined ? { text: loaded.text } : {}) } };
  const { workspace } = loaded;
  if (!workspace) return [own];
  own.valid = `${escapeControl(file)}: valid (${count(workspace.accounts.length, 'account')})\n`;
  const accounts = await Promise.all(
    selectAccounts(workspace, o.accounts).map(async (account): Promise<Checked> => {
      const where = account.manifest.kind === 'file' ? account.manifest.path : `inline in ${file}`;
      return { label: `${account.name} (${where})`, result: await loadAccountManifest(workspace, account, io.env) };
    }),
  );
  return [own, ...accounts];
}

export default validate;
