/**
 * The command table and the run: it loads only the command being run (start-up stays fast), hands its parsed
 * flags to that command, and turns errors into messages and exit codes. The only module that imports commands.
 */
import type { Argv } from 'yargs';
import { suggest } from '../shared/suggest.js';
import { VERSION } from '../shared/version.js';
import type { CommandName } from './command-names.js';
import { EXIT, UsageError, type CommandGroup, type CommandModule, type ParsedArgs } from './command.js';
import { processIo, type Io } from './io.js';
import { reportError } from './report-error.js';

export { EXIT };

/** A command as the table knows it before loading it. */
interface Entry {
  name: CommandName;
  /** yargs' command string, with positionals. */
  command: string;
  describe: string;
  load(): Promise<{ default: CommandModule<unknown> | CommandGroup }>;
}

const COMMANDS: readonly Entry[] = [
  { name: 'validate', command: 'validate [manifest]', describe: 'Check a manifest offline and report every problem with its position', load: () => import('./commands/validate.js') },
  { name: 'plan', command: 'plan [manifest]', describe: 'Show what apply would change in the account', load: () => import('./commands/plan.js') },
  { name: 'apply', command: 'apply [manifest]', describe: 'Converge the account to the manifest (or to a saved plan), then verify it', load: () => import('./commands/apply.js') },
  { name: 'show', command: 'show <file>', describe: 'Print a saved plan as plan would have, without network', load: () => import('./commands/show.js') },
  { name: 'init', command: 'init', describe: 'Scaffold a repository: the manifest (from the account when it can), CI files, .gitignore', load: () => import('./commands/init.js') },
  { name: 'export', command: 'export', describe: 'Write a manifest of what the account has now', load: () => import('./commands/export.js') },
  { name: 'pin', command: 'pin [manifest]', describe: 'Write the uuids of matched webhooks into the manifest, keeping comments and layout', load: () => import('./commands/pin.js') },
  { name: 'auth', command: 'auth', describe: 'Get a refresh token for CI (auth url, then auth exchange) and check credentials (auth check)', load: () => import('./commands/auth.js') },
  { name: 'emulator', command: 'emulator', describe: 'Run the local RD Station API emulator', load: () => import('./commands/emulator.js') },
];

/** Flags every command takes. */
function globalFlags(y: Argv): Argv {
  return y
    .option('color', { type: 'boolean', describe: 'Colour the output even when it is not a terminal (--no-color: never); default: on a terminal, unless NO_COLOR is set, or when FORCE_COLOR is set' })
    .option('debug', { type: 'boolean', describe: 'Log each API request and response to stderr (secrets redacted)' });
}

/** Runs rdhooks with `args` and resolves to the process exit code; never throws. */
export async function runCli(args: string[], io: Io = processIo()): Promise<number> {
  // yargs takes longer to import than node takes to start; `--version` alone is answered without it.
  if (args.length === 1 && args[0] === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  try {
    const argv = args[0] === 'help' ? [...args.slice(1), '--help'] : args;
    // A shell asking for completions passes the words typed, the program's name first.
    const words = argv.filter((a) => !a.startsWith('-')).slice(argv[0] === '--get-yargs-completions' ? 1 : 0);
    const entry = COMMANDS.find((c) => c.name === words[0]);
    const [{ default: yargs }, loaded] = await Promise.all([import('yargs'), entry?.load().then((m) => m.default)]);
    const group = loaded && 'actions' in loaded ? loaded : undefined;
    const command = group ? group.actions[words[1] ?? '']?.module : loaded;
    const known = knownFlags(command && 'builder' in command ? command : undefined);
    // For a flag of another action (`auth check --code`): which actions take it.
    const elsewhere = (flag: string): string[] =>
      Object.entries(group?.actions ?? {}).flatMap(([name, a]) => (name !== words[1] && knownFlags(a.module).includes(flag) ? [`rdhooks ${words[0]} ${name}`] : []));
    const normalized = argv.map((a) => longFlag(a, known, io));
    let exitCode: number = EXIT.ok;
    const handle = (mod: CommandModule<unknown>) => async (parsed: ParsedArgs) => {
      exitCode = await mod.run(mod.parse(parsed, io), io);
    };
    const parser = globalFlags(yargs(normalized))
      .scriptName('rdhooks')
      .usage('rdhooks <command> [options]\n\nManage the webhooks of an RD Station Marketing account as code.')
      .version(VERSION)
      .help()
      .alias('h', 'help')
      .strict()
      .demandCommand(1, 'Name a command.')
      .recommendCommands()
      .completion('completion', 'Print a bash or zsh completion script: rdhooks completion >> ~/.bashrc (or ~/.zshrc)')
      .wrap(Math.min(110, process.stdout.columns || 100))
      .exitProcess(false)
      // Flags keep the names users type; a second, camelCased copy would only double every "Unknown argument".
      .parserConfiguration({ 'camel-case-expansion': false })
      .fail((msg, err) => {
        throw err ?? usageError(msg, argv, known, elsewhere);
      });
    for (const c of COMMANDS) {
      if (c !== entry || !loaded) parser.command(c.command, c.describe);
      else if (!('actions' in loaded)) parser.command(c.command, c.describe, (y) => loaded.builder(y), handle(loaded));
      else {
        const actions = Object.entries(loaded.actions);
        parser.command(c.command, c.describe, (y) => {
          for (const [name, a] of actions) y.command(name, a.describe, (sub) => a.module.builder(sub), handle(a.module));
          return y.demandCommand(1, `Name an action: ${actions.map(([name]) => name).join(', ')}.`);
        });
      }
    }
    await parser.parseAsync();
    return exitCode;
  } catch (err) {
    return reportError(err, io, args.includes('--debug'));
  }
}

/** Every long flag the command takes (and every command), to recognise `-auto-approve` and suggest fixes. */
function knownFlags(mod: CommandModule<unknown> | undefined): string[] {
  const names = ['help', 'version'];
  // A stand-in for yargs that only notes the names of the options a builder declares.
  const recorder: Argv = new Proxy(Object.create(null), {
    get: (_target, method) => (name: unknown) => {
      if (method === 'option' && typeof name === 'string') names.push(name);
      return recorder;
    },
  });
  globalFlags(recorder);
  mod?.builder(recorder);
  return names;
}

/**
 * Terraform's habit, `-auto-approve`: a single-dash word that is one of our long flags is read as `--auto-approve`,
 * with a one-line notice; any other single-dash word is refused with a suggestion, never split into letters.
 */
function longFlag(arg: string, known: readonly string[], io: Io): string {
  const m = /^-([a-z][a-z0-9-]+)(=.*)?$/i.exec(arg);
  if (!m?.[1]) return arg;
  const name = m[1];
  const base = name.startsWith('no-') ? name.slice(3) : name;
  if (known.includes(name) || known.includes(base)) {
    io.stderr.write(`note: reading ${arg.split('=')[0]} as --${name}\n`);
    return `-${arg}`;
  }
  const near = suggest(name, known);
  throw new UsageError(`Unknown option ${arg.split('=')[0]}${near ? `; did you mean --${near}?` : '.'}`);
}

/**
 * yargs' message, with what was wrong named: for an unknown flag, the action that takes it or the nearest known
 * flag; for an unknown command, the nearest command.
 */
function usageError(message: string, argv: readonly string[], known: readonly string[], elsewhere: (flag: string) => string[]): UsageError {
  if (message.startsWith('Did you mean')) return new UsageError(`Unknown command: ${String(argv[0])}. ${message}`);
  const unknown = /^Unknown arguments?: (.+)$/.exec(message)?.[1]?.split(', ');
  const flag = unknown?.length === 1 ? unknown[0] : undefined;
  if (flag && argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`))) {
    const owners = elsewhere(flag);
    const command = argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
    if (owners.length > 0) return new UsageError(`--${flag} does not apply to rdhooks ${command}.`, `It is an option of ${owners.join(' and ')}; run 'rdhooks ${command} --help' for usage.`);
    const near = suggest(flag, known);
    if (near) return new UsageError(`${message}; did you mean --${near}?`);
  }
  return new UsageError(message);
}
