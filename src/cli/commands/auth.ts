/** `rdhooks auth url|exchange|check`: getting the OAuth refresh token CI needs, and checking credentials. */
import type { Io } from '../io.js';
import type { Command } from '../run.js';
import { connectionOptions } from '../connection.js';
import { count } from '../../shared/wording.js';

const ACTIONS = ['url', 'exchange', 'check'] as const;
type Action = (typeof ACTIONS)[number];

/** Flags without a default, and the one action each belongs to (yargs' strict mode accepts them for all). */
const ONLY_FOR: Record<string, readonly Action[]> = {
  'redirect-uri': ['url'],
  'client-id': ['url', 'exchange'],
  'client-secret': ['exchange'],
  code: ['exchange'],
  emulator: ['check'],
};

const authCommand: Command = {
  command: 'auth <action>',
  describe: 'Get a refresh token for CI (auth url, then auth exchange) and check credentials (auth check)',
  builder: (y) =>
    connectionOptions(y)
      .positional('action', {
        choices: ACTIONS,
        describe:
          'url: print the authorization URL to open in a browser; exchange: trade the code RD sends back for a refresh token; ' +
          'check: verify the credentials in the environment with one list call',
      })
      .option('client-id', { type: 'string', describe: "url, exchange: the OAuth app's client id (env RDSTATION_CLIENT_ID)" })
      .option('client-secret', { type: 'string', describe: "exchange: the app's client secret; prefer env RDSTATION_CLIENT_SECRET, a flag lands in shell history" })
      .option('redirect-uri', { type: 'string', describe: "url: the app's callback URL, where RD sends the browser back with ?code=…" })
      .option('code', { type: 'string', describe: 'exchange: the code from the callback URL (or the whole URL); it works once, for 1 hour' })
      .example('rdhooks auth url --client-id ID --redirect-uri https://example.com/callback', 'Print the URL that authorizes the app')
      .example('rdhooks auth exchange --code CODE | gh secret set RDSTATION_REFRESH_TOKEN', 'Store the refresh token as a CI secret without showing it')
      .example('rdhooks auth check', 'Check RDSTATION_* credentials: token exchange, then one list'),
  async handler(argv, io) {
    const { UserError } = await import('../../shared/errors.js');
    const action = argv.action as Action;
    for (const [flag, actions] of Object.entries(ONLY_FOR)) {
      if (argv[flag] !== undefined && argv[flag] !== false && !actions.includes(action)) {
        throw new UserError(
          `--${flag} does not apply to rdhooks auth ${action}.`,
          `It is an option of ${actions.map((a) => `rdhooks auth ${a}`).join(' and ')}; run 'rdhooks auth --help' for usage.`,
        );
      }
    }
    if (action === 'url') return authUrl(argv, io);
    if (action === 'exchange') return authExchange(argv, io);
    return authCheck(argv, io);
  },
};

/** A flag's value, else the environment variable's, trimmed; undefined when neither is set. */
function setting(argv: Record<string, unknown>, flag: string, env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = typeof argv[flag] === 'string' ? (argv[flag] as string) : env[name];
  const v = raw?.trim();
  return v ? v : undefined;
}

/** The API base URL from --api-url or RDSTATION_API_URL, checked like every other command's. */
async function apiUrlOf(argv: Record<string, unknown>, io: Io): Promise<string> {
  const { checkApiUrl, DEFAULT_API_URL } = await import('../../rdstation/apiurl.js');
  return checkApiUrl(typeof argv['api-url'] === 'string' ? argv['api-url'] : io.env.RDSTATION_API_URL?.trim() || DEFAULT_API_URL);
}

async function authUrl(argv: Record<string, unknown>, io: Io): Promise<number> {
  const [{ UserError }, { CREDENTIAL_VARS }] = await Promise.all([import('../../shared/errors.js'), import('../../rdstation/auth.js')]);
  const clientId = setting(argv, 'client-id', io.env, CREDENTIAL_VARS.clientId);
  const redirect = setting(argv, 'redirect-uri', {}, '');
  const missing = [...(clientId ? [] : [`--client-id (or ${CREDENTIAL_VARS.clientId})`]), ...(redirect ? [] : ['--redirect-uri'])];
  if (missing.length > 0) {
    throw new UserError(
      `rdhooks auth url needs ${missing.join(' and ')}.`,
      "Both are in the OAuth app's settings in RD Station: its client id, and the callback URL registered for it.",
    );
  }
  let target: URL | undefined;
  try {
    target = new URL(redirect as string);
  } catch {
    target = undefined;
  }
  if (!target || (target.protocol !== 'https:' && target.protocol !== 'http:')) {
    throw new UserError(`--redirect-uri must be an absolute http(s) URL, not "${redirect}".`, "Use the callback URL registered for the OAuth app, e.g. https://example.com/callback.");
  }
  const query = new URLSearchParams({ client_id: clientId as string, redirect_uri: redirect as string });
  io.stdout.write(`${await apiUrlOf(argv, io)}/auth/dialog?${query.toString()}\n`);
  io.stderr.write(
    [
      'Open this URL in a browser signed in to the RD Station Marketing account, and authorize the app.',
      `RD Station then sends the browser to ${redirect} with ?code=… added. The code works once, for 1 hour: exchange it with`,
      `  rdhooks auth exchange --code CODE | gh secret set ${CREDENTIAL_VARS.refreshToken}`,
      `with ${CREDENTIAL_VARS.clientId} and ${CREDENTIAL_VARS.clientSecret} set (or drop the pipe to see the refresh token).`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** The code itself, also when the whole callback URL was pasted. */
function codeOf(raw: string): string {
  try {
    const fromUrl = new URL(raw).searchParams.get('code');
    if (fromUrl) return fromUrl.trim();
  } catch {
    // not a URL: the code itself
  }
  return raw;
}

async function authExchange(argv: Record<string, unknown>, io: Io): Promise<number> {
  const [{ UserError }, { CREDENTIAL_VARS }, { createAuthClient }] = await Promise.all([
    import('../../shared/errors.js'),
    import('../../rdstation/auth.js'),
    import('../../rdstation/http.js'),
  ]);
  const clientId = setting(argv, 'client-id', io.env, CREDENTIAL_VARS.clientId);
  const clientSecret = setting(argv, 'client-secret', io.env, CREDENTIAL_VARS.clientSecret);
  const rawCode = setting(argv, 'code', {}, '');
  const missing = [...(clientId ? [] : [CREDENTIAL_VARS.clientId]), ...(clientSecret ? [] : [CREDENTIAL_VARS.clientSecret])];
  if (missing.length > 0) {
    throw new UserError(
      `rdhooks auth exchange needs the OAuth app's client id and secret: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set.`,
      `Set ${CREDENTIAL_VARS.clientId} and ${CREDENTIAL_VARS.clientSecret} in the environment (--client-id and --client-secret work too, but a secret in a flag lands in your shell history).`,
    );
  }
  if (!rawCode) {
    throw new UserError('rdhooks auth exchange needs --code CODE.', 'Get a code with rdhooks auth url: open the URL it prints, authorize the app, and take ?code=… from the page RD Station sends you to.');
  }
  if (typeof argv['client-secret'] === 'string') {
    io.stderr.write(`warning: --client-secret puts the secret in your shell history; prefer the ${CREDENTIAL_VARS.clientSecret} environment variable.\n`);
  }
  const num = (name: string, fallback: number): number => (typeof argv[name] === 'number' && (argv[name] as number) >= 0 ? (argv[name] as number) : fallback);
  const client = createAuthClient({
    apiUrl: await apiUrlOf(argv, io),
    timeoutMs: (num('timeout', 30) || 30) * 1000,
    maxAttempts: Math.floor(num('retries', 4)) + 1,
    deadlineMs: (num('deadline', 120) || 120) * 1000,
    logger: (line) => void io.stderr.write(`${line}\n`),
    debug: argv.debug === true ? (line) => void io.stderr.write(`${line}\n`) : undefined,
  });
  const tokens = await client.exchangeCode({ client_id: clientId as string, client_secret: clientSecret as string, code: codeOf(rawCode) });
  // The refresh token alone on stdout, so it can be piped into a secret store without showing on screen;
  // the access token is never printed: CI exchanges the refresh token for its own.
  io.stdout.write(`${tokens.refresh_token}\n`);
  io.stderr.write(
    [
      `That is the app's refresh token for this account: rdhooks keeps no copy and cannot show it again.`,
      `Store it as the CI secret ${CREDENTIAL_VARS.refreshToken}, e.g. \`gh secret set ${CREDENTIAL_VARS.refreshToken}\` (paste it when asked),`,
      `beside ${CREDENTIAL_VARS.clientId} and ${CREDENTIAL_VARS.clientSecret}; then check them with: rdhooks auth check`,
      '',
    ].join('\n'),
  );
  return 0;
}

async function authCheck(argv: Record<string, unknown>, io: Io): Promise<number> {
  const [{ openApi }, { credentialsFromEnv, CREDENTIAL_VARS }] = await Promise.all([
    import('../connection.js'),
    import('../../rdstation/auth.js'),
  ]);
  let checkIo = io;
  let what = 'the in-process emulator';
  if (argv.emulator !== true) {
    const creds = credentialsFromEnv(io.env);
    if (creds.refresh) {
      // Without the access token the client must exchange the refresh token first: that is the part to prove.
      checkIo = { ...io, env: { ...io.env, [CREDENTIAL_VARS.accessToken]: undefined } };
      what = `${CREDENTIAL_VARS.clientId}, ${CREDENTIAL_VARS.clientSecret} and ${CREDENTIAL_VARS.refreshToken}`;
      if (creds.accessToken) io.stderr.write(`note: ${CREDENTIAL_VARS.accessToken} is set too; it is not checked.\n`);
    } else {
      what = CREDENTIAL_VARS.accessToken;
    }
  }
  const connection = await openApi(argv, checkIo);
  let listed: number;
  try {
    io.stderr.write(`Checking ${what} against ${connection.apiUrl}…\n`);
    listed = (await connection.api.list()).length;
  } finally {
    await connection.close();
  }
  io.stdout.write(`Credentials OK: the account has ${count(listed, 'webhook')} visible to this integration.\n`);
  return 0;
}

export default authCommand;
