/** The connection options every command that talks to the API shares, and opening the API they describe. */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { UserError } from '../shared/errors.js';
import type { WebhookApi } from '../rdstation/api.js';
import type { Io } from './io.js';

/** Adds --api-url, --emulator, --rate-limit, --timeout, --retries and --deadline (--debug is global). */
export function connectionOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('api-url', { type: 'string', describe: 'RD Station API base URL (env RDSTATION_API_URL; default https://api.rd.services)' })
    .option('emulator', { type: 'boolean', describe: 'Use an in-process emulator (state in .rdhooks/emulator.json); no credentials needed' })
    .option('rate-limit', { type: 'number', default: 120, describe: 'Requests per minute rdhooks allows itself' })
    .option('timeout', { type: 'number', default: 30, describe: 'Seconds to wait for one response' })
    .option('retries', { type: 'number', default: 4, describe: 'Retries of a failed request (429, 5xx, network; never a create that may have landed)' })
    .option('deadline', { type: 'number', default: 120, describe: 'Seconds one API call may take, retries and waits included' })
    .conflicts('emulator', 'api-url') as Argv<T>;
}

/** An open connection to RD Station or the emulator. */
export interface Connection {
  api: WebhookApi;
  /** For display: the emulator's URL, or the API URL. */
  apiUrl: string;
  close(): Promise<void>;
}

/** Where --emulator keeps its state, relative to the working directory. */
export const EMULATOR_STATE = join('.rdhooks', 'emulator.json');

function positive(argv: Record<string, unknown>, name: string, fallback: number, allowZero = false): number {
  const v = argv[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (!allowZero && v === 0)) {
    throw new UserError(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, not ${String(v)}.`, `Run 'rdhooks --help' for usage.`);
  }
  return v;
}

/** Opens the API the options describe: the in-process emulator, or the HTTP client with credentials from the environment. */
export async function openApi(argv: Record<string, unknown>, io: Io): Promise<Connection> {
  const debug = argv.debug === true ? (line: string) => void io.stderr.write(`${line}\n`) : undefined;
  const logger = (line: string): void => void io.stderr.write(`${line}\n`);
  const settings = {
    timeoutMs: positive(argv, 'timeout', 30) * 1000,
    maxAttempts: Math.floor(positive(argv, 'retries', 4, true)) + 1,
    deadlineMs: positive(argv, 'deadline', 120) * 1000,
    rateLimitPerMinute: positive(argv, 'rate-limit', 120),
    logger,
    debug,
  };
  const { createHttpApi } = await import('../rdstation/http.js');
  if (argv.emulator === true) {
    const [{ startEmulator }, { DEMO_WEBHOOKS }] = await Promise.all([import('../emulator/server.js'), import('../emulator/demo.js')]);
    const emulator = await startEmulator({ state: join(io.cwd, EMULATOR_STATE), seed: DEMO_WEBHOOKS });
    const api = createHttpApi({ ...settings, apiUrl: emulator.url, auth: { accessToken: emulator.issueToken() } });
    logger(`Using the in-process emulator (state in ${EMULATOR_STATE}), not RD Station.`);
    // A stable label rather than the ephemeral port, so headers and saved plans do not change from run to run.
    return { api, apiUrl: `emulator:${EMULATOR_STATE}`, close: () => emulator.close() };
  }
  const { checkApiUrl, DEFAULT_API_URL } = await import('../rdstation/apiurl.js');
  const { credentialsFromEnv } = await import('../rdstation/auth.js');
  const raw = typeof argv['api-url'] === 'string' ? argv['api-url'] : io.env.RDSTATION_API_URL?.trim() || DEFAULT_API_URL;
  const apiUrl = checkApiUrl(raw);
  const auth = credentialsFromEnv(io.env);
  return { api: createHttpApi({ ...settings, apiUrl, auth }), apiUrl, close: async () => undefined };
}
