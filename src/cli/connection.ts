/** The connection flags every command that talks to the API shares: their table, their parser, and opening the API. */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { checkApiUrl, DEFAULT_API_URL } from '../rdstation/apiurl.js';
import type { AccountSession } from '../reconcile/session.js';
import { UserError } from '../shared/errors.js';
import { escapeControl } from '../shared/text.js';
import { maskUrl } from '../shared/url.js';
import { UsageError, type ParsedArgs } from './command.js';
import type { Io } from './io.js';
import { booleanFlag, DEFAULTS, numberFlag, secondsFlag, stringFlag } from './options.js';

/** Where --emulator keeps its state, relative to the working directory. */
export const EMULATOR_STATE = join('.rdhooks', 'emulator.json');

/** The environment variables the connection reads. */
export const CONNECTION_ENV = ['RDSTATION_API_URL', 'RDSTATION_ACCESS_TOKEN', 'RDSTATION_CLIENT_ID', 'RDSTATION_CLIENT_SECRET', 'RDSTATION_REFRESH_TOKEN'] as const;

/** Adds --api-url, --emulator, --rate-limit, --timeout, --retries and --deadline (--debug is global). */
export function connectionFlags(y: Argv): Argv {
  return y
    .option('api-url', { type: 'string', describe: `RD Station API base URL (env RDSTATION_API_URL; default ${DEFAULT_API_URL})` })
    .option('emulator', { type: 'boolean', describe: `Use an in-process emulator (state in ${EMULATOR_STATE}); no credentials needed` })
    .option('rate-limit', { type: 'number', default: DEFAULTS.rateLimit, describe: 'Requests per minute rdhooks allows itself' })
    .option('timeout', { type: 'number', default: DEFAULTS.timeout, describe: 'Seconds to wait for one response' })
    .option('retries', { type: 'number', default: DEFAULTS.retries, describe: 'Retries of a failed request (429, 5xx, network; never a create that may have landed)' })
    .option('deadline', { type: 'number', default: DEFAULTS.deadline, describe: 'Seconds one API call may take, retries and waits included' })
    .conflicts('emulator', 'api-url');
}

/** Where and how to connect, checked. */
export interface ConnectionOptions {
  emulator: boolean;
  /** The API base URL, checked and normalized. */
  apiUrl: string;
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
  let apiUrl: string;
  try {
    apiUrl = checkApiUrl(raw);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    // Echo what was given (credentials masked), and where it came from.
    throw new UsageError(`${source ?? 'The API URL'} ${JSON.stringify(escapeControl(maskUrl(raw)))}: ${err.message}`, err.hint);
  }
  return {
    emulator: booleanFlag(argv, 'emulator'),
    apiUrl,
    timeoutMs: secondsFlag(argv, 'timeout', DEFAULTS.timeout) * 1000,
    maxAttempts: numberFlag(argv, 'retries', DEFAULTS.retries, { min: 0, max: 100, integer: true }) + 1,
    deadlineMs: secondsFlag(argv, 'deadline', DEFAULTS.deadline) * 1000,
    rateLimitPerMinute: numberFlag(argv, 'rate-limit', DEFAULTS.rateLimit, { min: 0, minInclusive: false, max: 1_000_000 }),
    debug: booleanFlag(argv, 'debug'),
  };
}

/** An open connection: the session reconcile works on, and how to close it. */
export interface Connection extends AccountSession {
  close(): Promise<void>;
}

/** Opens the API the options describe: the in-process emulator, or RD Station with credentials from the environment. */
export async function openConnection(options: ConnectionOptions, io: Io): Promise<Connection> {
  const logger = (line: string): void => void io.stderr.write(`${line}\n`);
  const settings = {
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    deadlineMs: options.deadlineMs,
    rateLimitPerMinute: options.rateLimitPerMinute,
    logger,
    ...(options.debug ? { debug: logger } : {}),
  };
  const { createHttpApi } = await import('../rdstation/http.js');
  if (options.emulator) {
    const [{ startEmulator }, { DEMO_WEBHOOKS }] = await Promise.all([import('../emulator/server.js'), import('../emulator/demo.js')]);
    const emulator = await startEmulator({ state: join(io.cwd, EMULATOR_STATE), seed: DEMO_WEBHOOKS });
    const api = createHttpApi({ ...settings, apiUrl: emulator.url, auth: { accessToken: emulator.issueToken() } });
    logger(`Using the in-process emulator (state in ${EMULATOR_STATE}), not RD Station.`);
    // A stable label rather than the ephemeral port, so headers and saved plans do not change from run to run.
    return { api, apiUrl: `emulator:${EMULATOR_STATE}`, close: () => emulator.close() };
  }
  const { credentialsFromEnv } = await import('../rdstation/auth.js');
  const auth = credentialsFromEnv(io.env);
  return { api: createHttpApi({ ...settings, apiUrl: options.apiUrl, auth }), apiUrl: options.apiUrl, close: async () => undefined };
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
