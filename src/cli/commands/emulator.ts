/** `rdhooks emulator`: runs the local RD Station API emulator until interrupted. */
import type { Argv } from 'yargs';
import { EMULATOR_CREDENTIALS, type AccountOptions } from '../../emulator/accounts.js';
import type { EmulatorHandle } from '../../emulator/server.js';
import { MAX_TIMER_MS } from '../../rdstation/defaults.js';
import type { WorkspaceAccount } from '../../workspace/types.js';
import { UserError } from '../../shared/errors.js';
import { escapeControl } from '../../shared/text.js';
import type { CommandModule, ParsedArgs } from '../command.js';
import type { Io } from '../io.js';
import { booleanFlag, listFlag, MAX_SECONDS, numberFlag, stringFlag } from '../options.js';

/** Checked options of the emulator. */
export interface EmulatorCommandOptions {
  host: string;
  port: number;
  state?: string;
  seed?: string;
  latencyMs: number;
  failRate: number;
  rateLimitPerMinute: number;
  dropAfterCommit: number;
  validateUrls: boolean;
  tokenLifetimeSec: number;
  rotateRefreshTokens: boolean;
  refreshTokenExpirySec?: number;
  suspend: string[];
  /** Serve the accounts of this workspace, each under its RD Station name, with its own refresh token and state. */
  workspace?: string;
  debug: boolean;
}

const probability = { min: 0, max: 1 };

const emulator: CommandModule<EmulatorCommandOptions> = {
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: 0, describe: 'Port to listen on (0: a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('state', { type: 'string', describe: 'JSON file keeping the webhooks across restarts (written atomically)' })
      .option('seed', { type: 'string', describe: 'JSON file {"webhooks": [...]} (RD\'s list body) to start with when there is no state yet' })
      .option('latency', { type: 'number', default: 0, describe: 'Milliseconds of delay before each webhook request' })
      .option('fail-rate', { type: 'number', default: 0, describe: 'Probability (0-1) of answering 500 or 503, an HTML page' })
      .option('rate-limit', { type: 'number', default: 0, describe: 'Webhook requests per minute before answering 429 (0: no limit)' })
      .option('drop-after-commit', { type: 'number', default: 0, describe: 'Probability (0-1) that a write is performed, then the connection reset' })
      .option('validate-urls', { type: 'boolean', default: false, describe: 'On create, POST to the target URL and answer 401 unless it answers 2xx, as RD does' })
      .option('token-lifetime', { type: 'number', default: 86400, describe: 'Seconds an issued access token lasts' })
      .option('rotate-refresh-tokens', { type: 'boolean', default: false, describe: "Answer every refresh with a new refresh token and revoke the old one, as RD's /oauth2/token does" })
      .option('refresh-token-expiry', { type: 'number', describe: 'Refuse a refresh token unused for this many seconds (RD: 14 days on /oauth2/token)' })
      .option('suspend', { type: 'string', array: true, describe: 'Mark these webhook uuids suspended' })
      .option('workspace', { type: 'string', describe: "Serve each account of this workspace file (its own name, refresh token and state in .rdhooks/emulator/), as plan --emulator does" })
      .conflicts('workspace', ['state', 'seed'])
      .epilogue('Reads nothing from the environment. Exit codes: 0 stopped by Ctrl-C, 1 could not start.')
      .example('rdhooks emulator --state emu.json', 'Run it, keeping its webhooks in emu.json')
      .example('rdhooks emulator --fail-rate 0.2 --latency 300', 'Rehearse a slow, flaky API')
      .example('rdhooks emulator --workspace clients.yaml', 'Serve every account of the workspace clients.yaml'),

  parse(argv: ParsedArgs): EmulatorCommandOptions {
    const state = stringFlag(argv, 'state');
    const seed = stringFlag(argv, 'seed');
    const workspace = stringFlag(argv, 'workspace');
    return {
      host: stringFlag(argv, 'host') ?? '127.0.0.1',
      port: numberFlag(argv, 'port', 0, { min: 0, max: 65535, integer: true }),
      ...(state !== undefined ? { state } : {}),
      ...(seed !== undefined ? { seed } : {}),
      latencyMs: numberFlag(argv, 'latency', 0, { min: 0, max: MAX_TIMER_MS, unit: 'of milliseconds' }),
      failRate: numberFlag(argv, 'fail-rate', 0, probability),
      rateLimitPerMinute: numberFlag(argv, 'rate-limit', 0, { min: 0, max: 1_000_000, integer: true }),
      dropAfterCommit: numberFlag(argv, 'drop-after-commit', 0, probability),
      validateUrls: booleanFlag(argv, 'validate-urls'),
      tokenLifetimeSec: numberFlag(argv, 'token-lifetime', 86_400, { min: 1, max: MAX_SECONDS, unit: 'of seconds' }),
      rotateRefreshTokens: booleanFlag(argv, 'rotate-refresh-tokens'),
      ...(argv['refresh-token-expiry'] !== undefined ? { refreshTokenExpirySec: numberFlag(argv, 'refresh-token-expiry', 0, { min: 1, max: MAX_SECONDS, unit: 'of seconds' }) } : {}),
      suspend: listFlag(argv, 'suspend'),
      ...(workspace !== undefined ? { workspace } : {}),
      debug: booleanFlag(argv, 'debug'),
    };
  },

  async run(o: EmulatorCommandOptions, io: Io): Promise<number> {
    const [{ resolve }, { startEmulator }, { readWebhooksFile }] = await Promise.all([import('node:path'), import('../../emulator/server.js'), import('../../emulator/state.js')]);
    const seed = o.seed === undefined ? undefined : await readWebhooksFile(resolve(io.cwd, o.seed));
    if (o.seed !== undefined && !seed) {
      throw new UserError(`The seed file ${escapeControl(o.seed)} does not exist.`, 'Pass a JSON file shaped like RD\'s list body: {"webhooks": [...]}.');
    }
    const served = o.workspace === undefined ? undefined : await workspaceAccounts(o.workspace, io);
    const handle = await startEmulator({
      host: o.host,
      port: o.port,
      ...(served ? { accounts: served.specs } : {}),
      ...(o.state !== undefined ? { state: resolve(io.cwd, o.state) } : {}),
      ...(seed ? { seed: seed.webhooks, ...(seed.platform_account_id ? { platformAccountId: seed.platform_account_id } : {}) } : {}),
      latencyMs: o.latencyMs,
      failRate: o.failRate,
      rateLimitPerMinute: o.rateLimitPerMinute,
      dropAfterCommit: o.dropAfterCommit,
      validateUrls: o.validateUrls,
      tokenLifetimeSec: o.tokenLifetimeSec,
      rotateRefreshTokens: o.rotateRefreshTokens,
      ...(o.refreshTokenExpirySec !== undefined ? { refreshTokenIdleExpirySec: o.refreshTokenExpirySec } : {}),
      ...(o.debug ? { logger: (line: string) => void io.stderr.write(`emulator: ${line}\n`) } : {}),
    });
    const stores = handle.accounts.map((name) => handle.account(name).store);
    for (const uuid of o.suspend) {
      const found = await Promise.all(stores.map((store) => store.suspend(uuid)));
      if (!found.includes(true)) {
        await handle.close();
        throw new UserError(`--suspend ${escapeControl(uuid)}: no webhook has that uuid.`, 'Check the uuid against the seed or state file.');
      }
    }
    // Emulator tokens are not secrets: printing one is how users point rdhooks at the emulator.
    io.stderr.write(served ? servedLines(handle, served.accounts) : singleLines(handle, o.state));
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await handle.close();
    io.stderr.write('rdhooks emulator stopped.\n');
    return 0;
  },
};

/** How to point rdhooks at a single-account emulator. */
function singleLines(handle: EmulatorHandle, state: string | undefined): string {
  return [
    `rdhooks emulator listening on ${handle.url} (${handle.store.snapshot().length} webhooks${state !== undefined ? `, state in ${escapeControl(state)}` : ', state in memory'})`,
    'Point rdhooks at it with:',
    `  export RDSTATION_API_URL=${handle.url}`,
    `  export RDSTATION_ACCESS_TOKEN=${handle.issueToken()}`,
    'or, to exercise the refresh flow:',
    `  export RDSTATION_CLIENT_ID=${EMULATOR_CREDENTIALS.clientId} RDSTATION_CLIENT_SECRET=${EMULATOR_CREDENTIALS.clientSecret} RDSTATION_REFRESH_TOKEN=${EMULATOR_CREDENTIALS.refreshToken}`,
    'Stop it with Ctrl-C.',
    '',
  ].join('\n');
}

/** How to point a workspace at the emulator: each account's credentials, where its workspace entry reads them. */
function servedLines(handle: EmulatorHandle, accounts: readonly WorkspaceAccount[]): string {
  const lines = [`rdhooks emulator listening on ${handle.url}, serving ${accounts.length} accounts (state in .rdhooks/emulator/)`, 'Point the workspace at it with:', `  export RDSTATION_API_URL=${handle.url}`];
  for (const account of accounts) {
    const { clientId, clientSecret, refreshToken } = handle.account(account.account).credentials;
    const values = { CLIENT_ID: clientId, CLIENT_SECRET: clientSecret, REFRESH_TOKEN: refreshToken };
    if (account.credentials.prefix !== undefined) {
      lines.push(`  export ${Object.entries(values).map(([k, v]) => `${account.credentials.prefix}${k}=${v}`).join(' ')}`);
    } else {
      lines.push(`  and in ${escapeControl(account.credentials.envFile)} (${account.name}): ${Object.entries(values).map(([k, v]) => `RDSTATION_${k}=${v}`).join(' ')}`);
    }
  }
  return `${[...lines, 'Stop it with Ctrl-C.', ''].join('\n')}`;
}

/** The workspace's accounts, and the emulator's accounts serving them. */
async function workspaceAccounts(file: string, io: Io): Promise<{ accounts: WorkspaceAccount[]; specs: AccountOptions[] }> {
  const { openWorkspace, emulatorAccountsOf } = await import('../workspace.js');
  const { accounts } = await openWorkspace(file, [], io, { showSensitive: false, color: undefined });
  return { accounts, specs: await emulatorAccountsOf(accounts, io.cwd) };
}

export default emulator;
