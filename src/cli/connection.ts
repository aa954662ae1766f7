/** The connection flags every command that talks to the API shares: their table, their parser, and opening the API. */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { checkApiUrl, checkTokenUrl, DEFAULT_API_URL } from '../rdstation/apiurl.js';
import type { AccountSession } from '../reconcile/session.js';
import { UserError } from '../shared/errors.js';
import { escapeControl } from '../shared/text.js';
import { maskUrl } from '../shared/url.js';
import { UsageError, type ParsedArgs } from './command.js';
import { DEFAULT_CREDENTIALS_FILE, type CredentialSource } from './credentials.js';
import type { Io } from './io.js';
import { booleanFlag, DEFAULTS, numberFlag, secondsFlag, stringFlag } from './options.js';

/** Where --emulator keeps its state, relative to the working directory. */
export const EMULATOR_STATE = join('.rdhooks', 'emulator.json');


/** What a command that talks to RD Station reads from its environment, for help pages. */
export const CONNECTION_READS =
  'RDSTATION_API_URL, RDSTATION_TOKEN_URL, and the credentials: RDSTATION_ACCESS_TOKEN, or RDSTATION_CLIENT_ID + ' +
  `RDSTATION_CLIENT_SECRET + RDSTATION_REFRESH_TOKEN (or RDSTATION_REFRESH_TOKEN_FILE), from the environment or ${DEFAULT_CREDENTIALS_FILE}`;

/** Adds --api-url, --emulator, --rate-limit, --timeout, --retries and --deadline (--debug is global). */
export function connectionFlags(y: Argv): Argv {
  return y
    .option('api-url', { type: 'string', describe: `RD Station API base URL (env RDSTATION_API_URL; default ${DEFAULT_API_URL})` })
    .option('emulator', { type: 'boolean', describe: `Use an in-process emulator (state in ${EMULATOR_STATE}); no credentials needed` })
    .option('rate-limit', { type: 'number', default: DEFAULTS.rateLimit, describe: 'Requests per minute rdhooks allows itself' })
    .option('timeout', { type: 'number', default: DEFAULTS.timeout, describe: 'Seconds to wait for one response' })
    .option('retries', { type: 'number', default: DEFAULTS.retries, describe: 'Retries of a failed request (429, 5xx, network; never a create that may have landed)' })
    .option('deadline', { type: 'number', default: DEFAULTS.deadline, describe: 'Seconds one API call may take, retries and waits included' })
    .option('credentials-file', { type: 'string', describe: `Env file with the RDSTATION_* credentials (default ${DEFAULT_CREDENTIALS_FILE}, when it exists); the environment wins` })
    .conflicts('emulator', 'api-url');
}

/** Where and how to connect, checked. */
export interface ConnectionOptions {
  emulator: boolean;
  /** The API base URL, checked and normalized. */
  apiUrl: string;
  /** RDSTATION_TOKEN_URL: RD's token endpoint, when not `${apiUrl}/auth/token`. */
  tokenUrl?: string;
  /** --credentials-file. */
  credentialsFile?: string;
  /** Leave a configured access token unused, so the refresh credentials are what gets exercised (auth check). */
  refreshOnly?: boolean;
  timeoutMs: number;
  maxAttempts: number;
  deadlineMs: number;
  rateLimitPerMinute: number;
  debug: boolean;
}

/** Reads the connection flags and RDSTATION_API_URL; throws a UsageError for any bad value, before any I/O. */
export function parseConnectionArgs(argv: ParsedArgs, env: NodeJS.ProcessEnv): ConnectionOptions {
  const flag = stringFlag(argv, 'api-url');
  const fromEnv = env.RDSTATION_API_URL?.trim();
  const source = flag !== undefined ? '--api-url' : fromEnv ? 'RDSTATION_API_URL' : undefined;
  const raw = flag ?? (fromEnv || DEFAULT_API_URL);
  const apiUrl = checked(source ?? 'The API URL', raw, checkApiUrl);
  const tokenUrl = env.RDSTATION_TOKEN_URL?.trim() || undefined;
  if (tokenUrl !== undefined) checked('RDSTATION_TOKEN_URL', tokenUrl, checkTokenUrl);
  const credentialsFile = stringFlag(argv, 'credentials-file');
  return {
    emulator: booleanFlag(argv, 'emulator'),
    apiUrl,
    ...(tokenUrl !== undefined ? { tokenUrl } : {}),
    ...(credentialsFile !== undefined ? { credentialsFile } : {}),
    timeoutMs: secondsFlag(argv, 'timeout', DEFAULTS.timeout) * 1000,
    maxAttempts: numberFlag(argv, 'retries', DEFAULTS.retries, { min: 0, max: 100, integer: true }) + 1,
    deadlineMs: secondsFlag(argv, 'deadline', DEFAULTS.deadline) * 1000,
    rateLimitPerMinute: numberFlag(argv, 'rate-limit', DEFAULTS.rateLimit, { min: 0, minInclusive: false, max: 1_000_000 }),
    debug: booleanFlag(argv, 'debug'),
  };
}

/** A URL setting, checked; a bad one is echoed back (credentials masked) with where it came from. */
function checked(source: string, raw: string, check: (url: string) => string): string {
  try {
    return check(raw);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UsageError(`${source} ${JSON.stringify(escapeControl(maskUrl(raw)))}: ${err.message}`, err.hint);
  }
}

/** An open connection: the session reconcile works on, and how to close it. */
export interface Connection extends AccountSession {
  /** Whether its first call needs no token exchange (an access token is at hand): reads then have no side effect. */
  readsFreely: boolean;
  close(): Promise<void>;
}

/** Whose connection this is, in a workspace: its name (log lines start with it) and where its credentials are. */
export interface ConnectionOwner {
  label: string;
  credentials: CredentialSource;
}

/** The HTTP client's settings the options give, with log lines (prefixed by `label`, when given) on stderr. */
export function clientSettings(options: ConnectionOptions, io: Io, label?: string) {
  const logger = (line: string): void => void io.stderr.write(`${label === undefined ? '' : `${label}: `}${line}\n`);
  return {
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    deadlineMs: options.deadlineMs,
    rateLimitPerMinute: options.rateLimitPerMinute,
    logger,
    ...(options.debug ? { debug: logger } : {}),
  };
}

/**
 * Opens the API the options describe: the in-process emulator, or RD Station with credentials from the environment
 * (a workspace account's, when `owner` says whose).
 */
export async function openConnection(options: ConnectionOptions, io: Io, owner?: ConnectionOwner): Promise<Connection> {
  const settings = clientSettings(options, io, owner?.label);
  const { createHttpApi } = await import('../rdstation/http.js');
  if (options.emulator) {
    const [{ startEmulator }, { DEMO_WEBHOOKS }] = await Promise.all([import('../emulator/server.js'), import('../emulator/demo.js')]);
    const emulator = await startEmulator({ state: join(io.cwd, EMULATOR_STATE), seed: DEMO_WEBHOOKS });
    const api = createHttpApi({ ...settings, apiUrl: emulator.url, auth: { accessToken: emulator.issueToken() } });
    settings.logger(`Using the in-process emulator (state in ${EMULATOR_STATE}), not RD Station.`);
    // A stable label rather than the ephemeral port, so headers and saved plans do not change from run to run.
    return { api, apiUrl: `emulator:${EMULATOR_STATE}`, readsFreely: true, close: () => emulator.close() };
  }
  const { loadCredentials, saveRotatedToken } = await import('./credentials.js');
  const source = owner?.credentials ?? (options.credentialsFile !== undefined ? { envFile: options.credentialsFile } : {});
  const { credentials, refreshFrom } = await loadCredentials(io, source);
  const auth = options.refreshOnly && credentials.refresh ? { refresh: credentials.refresh } : credentials;
  const api = createHttpApi({
    ...settings,
    apiUrl: options.apiUrl,
    auth,
    ...(options.tokenUrl !== undefined ? { tokenUrl: options.tokenUrl } : {}),
    ...(refreshFrom ? { onRefreshTokenRotated: saveRotatedToken(refreshFrom, io) } : {}),
  });
  return { api, apiUrl: options.apiUrl, readsFreely: auth.accessToken !== undefined, close: async () => undefined };
}

/** Runs `work` with an open connection, closing it however `work` ends. */
export async function withConnection<T>(options: ConnectionOptions, io: Io, work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await openConnection(options, io);
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}
