/** `rdhooks auth url|exchange|check`: getting the OAuth refresh token CI needs, and checking credentials. */
import type { Argv } from 'yargs';
import { DEFAULT_API_URL } from '../../rdstation/apiurl.js';
import { CREDENTIAL_VARS } from '../../rdstation/auth.js';
import { escapeControl } from '../../shared/text.js';
import { count } from '../../shared/wording.js';
import { nameAndListing } from '../../reconcile/session.js';
import { UsageError, type CommandGroup, type CommandModule, type ParsedArgs } from '../command.js';
import { CONNECTION_READS, connectionFlags, parseConnectionArgs, withConnection, type ConnectionOptions } from '../connection.js';
import { DEFAULT_CREDENTIALS_FILE } from '../credentials.js';
import type { Io } from '../io.js';
import { stringFlag } from '../options.js';
import { eachAccount, expectedAccountOf, openWorkspace } from '../workspace.js';
import { chooseWorkspace, parseWorkspaceArgs, workspaceFlags, type WorkspaceOptions } from '../workspace-flags.js';

const { accessToken: ACCESS, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH } = CREDENTIAL_VARS;

/** A flag's value, else the environment variable's, trimmed; undefined when neither is set. */
function setting(argv: ParsedArgs, flag: string, env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = (stringFlag(argv, flag) ?? env[name])?.trim();
  return v ? v : undefined;
}

/** Checked options of `auth url`. */
interface UrlOptions {
  clientId: string;
  redirectUri: string;
  apiUrl: string;
}

const url: CommandModule<UrlOptions> = {
  builder: (y: Argv) =>
    y
      .option('client-id', { type: 'string', describe: `The OAuth app's client id (env ${CLIENT_ID})` })
      .option('redirect-uri', { type: 'string', describe: "The app's callback URL, where RD sends the browser back with ?code=…" })
      .option('api-url', { type: 'string', describe: `RD Station API base URL (env RDSTATION_API_URL; default ${DEFAULT_API_URL})` })
      .epilogue(`Reads: ${CLIENT_ID}, RDSTATION_API_URL. Exit codes: 0 printed, 1 error.`)
      .example('rdhooks auth url --client-id ID --redirect-uri https://example.com/callback', 'Print the URL that authorizes the app')
      .example('rdhooks auth url --redirect-uri https://example.com/callback', `The same, with the client id in ${CLIENT_ID}`),

  parse(argv: ParsedArgs, io: Io): UrlOptions {
    const clientId = setting(argv, 'client-id', io.env, CLIENT_ID);
    const redirectUri = stringFlag(argv, 'redirect-uri')?.trim();
    const missing = [...(clientId ? [] : [`--client-id (or ${CLIENT_ID})`]), ...(redirectUri ? [] : ['--redirect-uri'])];
    if (!clientId || !redirectUri) {
      throw new UsageError(`rdhooks auth url needs ${missing.join(' and ')}.`, "Both are in the OAuth app's settings in RD Station: its client id, and the callback URL registered for it.");
    }
    if (!/^https?:\/\/[^/]/i.test(redirectUri) || !URL.canParse(redirectUri)) {
      throw new UsageError(`--redirect-uri must be an absolute http(s) URL, not "${redirectUri}".`, 'Use the callback URL registered for the OAuth app, e.g. https://example.com/callback.');
    }
    return { clientId, redirectUri, apiUrl: parseConnectionArgs(argv, io.env).apiUrl };
  },

  async run(o: UrlOptions, io: Io): Promise<number> {
    const query = new URLSearchParams({ client_id: o.clientId, redirect_uri: o.redirectUri });
    io.stdout.write(`${o.apiUrl}/auth/dialog?${query.toString()}\n`);
    io.stderr.write(
      [
        'Open this URL in a browser signed in to the RD Station Marketing account, and authorize the app.',
        `RD Station then sends the browser to ${o.redirectUri} with ?code=… added. The code works once, for 1 hour: exchange it with`,
        `  rdhooks auth exchange --code CODE | gh secret set ${REFRESH}`,
        `with ${CLIENT_ID} and ${CLIENT_SECRET} set (or drop the pipe to see the refresh token).`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};

/** Checked options of `auth exchange`. */
interface ExchangeOptions {
  clientId: string;
  clientSecret: string;
  secretOnCommandLine: boolean;
  code: string;
  /** Also keep the credentials here, for the next local commands. */
  credentialsFile?: string;
  connection: ConnectionOptions;
}

/** The code itself, also when the whole callback URL was pasted. */
function codeOf(raw: string): string {
  const fromUrl = URL.canParse(raw) ? new URL(raw).searchParams.get('code') : null;
  return fromUrl ? fromUrl.trim() : raw;
}

const exchange: CommandModule<ExchangeOptions> = {
  builder: (y: Argv) =>
    connectionFlags(y)
      .option('code', { type: 'string', describe: 'The code from the callback URL (or the whole URL); it works once, for 1 hour' })
      .option('client-id', { type: 'string', describe: `The OAuth app's client id (env ${CLIENT_ID})` })
      .option('client-secret', { type: 'string', describe: `The app's client secret; prefer env ${CLIENT_SECRET}, a flag lands in shell history` })
.epilogue(
        `Reads: ${CLIENT_ID}, ${CLIENT_SECRET}, RDSTATION_API_URL. Prints only the refresh token, on stdout; --credentials-file FILE also ` +
          `writes ${CLIENT_ID}, ${CLIENT_SECRET} and ${REFRESH} to FILE (mode 0600), which every command reads (${DEFAULT_CREDENTIALS_FILE}, ` +
          'the default, is git-ignored by the .gitignore rdhooks puts in .rdhooks/). Exit codes: 0 exchanged, 1 error.',
      )
      .example(`rdhooks auth exchange --code CODE | gh secret set ${REFRESH}`, 'Store the refresh token as a CI secret without showing it')
      .example(`rdhooks auth exchange --code CODE --credentials-file ${DEFAULT_CREDENTIALS_FILE} | gh secret set ${REFRESH}`, 'Keep the credentials for local runs too'),

  parse(argv: ParsedArgs, io: Io): ExchangeOptions {
    const clientId = setting(argv, 'client-id', io.env, CLIENT_ID);
    const clientSecret = setting(argv, 'client-secret', io.env, CLIENT_SECRET);
    const rawCode = stringFlag(argv, 'code')?.trim();
    const missing = [...(clientId ? [] : [CLIENT_ID]), ...(clientSecret ? [] : [CLIENT_SECRET])];
    if (!clientId || !clientSecret) {
      throw new UsageError(
        `rdhooks auth exchange needs the OAuth app's client id and secret: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set.`,
        `Set ${CLIENT_ID} and ${CLIENT_SECRET} in the environment (--client-id and --client-secret work too, but a secret in a flag lands in your shell history).`,
      );
    }
    if (!rawCode) {
      throw new UsageError('rdhooks auth exchange needs --code CODE.', 'Get a code with rdhooks auth url: open the URL it prints, authorize the app, and take ?code=… from the page RD Station sends you to.');
    }
    const credentialsFile = stringFlag(argv, 'credentials-file');
    return {
      clientId,
      clientSecret,
      secretOnCommandLine: stringFlag(argv, 'client-secret') !== undefined,
      code: codeOf(rawCode),
      ...(credentialsFile !== undefined ? { credentialsFile } : {}),
      connection: parseConnectionArgs(argv, io.env),
    };
  },

  async run(o: ExchangeOptions, io: Io): Promise<number> {
    if (o.secretOnCommandLine) io.stderr.write(`warning: --client-secret puts the secret in your shell history; prefer the ${CLIENT_SECRET} environment variable.\n`);
    const { createAuthClient } = await import('../../rdstation/http.js');
    const c = o.connection;
    const client = createAuthClient({
      apiUrl: c.apiUrl,
      timeoutMs: c.timeoutMs,
      maxAttempts: c.maxAttempts,
      deadlineMs: c.deadlineMs,
      logger: (line) => void io.stderr.write(`${line}\n`),
      ...(c.debug ? { debug: (line: string) => void io.stderr.write(`${line}\n`) } : {}),
    });
    const tokens = await client.exchangeCode({ client_id: o.clientId, client_secret: o.clientSecret, code: o.code });
    // The refresh token alone on stdout, so it can be piped into a secret store without showing on screen;
    // the access token is never printed: CI exchanges the refresh token for its own.
    io.stdout.write(`${tokens.refresh_token}\n`);
    if (o.credentialsFile !== undefined) {
      await saveCredentials(o.credentialsFile, { [CLIENT_ID]: o.clientId, [CLIENT_SECRET]: o.clientSecret, [REFRESH]: tokens.refresh_token }, io);
      io.stderr.write(`Saved ${CLIENT_ID}, ${CLIENT_SECRET} and ${REFRESH} to ${escapeControl(o.credentialsFile)} (readable by you only); rdhooks reads them from there.\n`);
    }
    io.stderr.write(
      [
        `That is the app's refresh token for this account: rdhooks keeps no copy and cannot show it again.`,
        `Store it as the CI secret ${REFRESH}, e.g. \`gh secret set ${REFRESH}\` (paste it when asked),`,
        `beside ${CLIENT_ID} and ${CLIENT_SECRET}; then check them with: rdhooks auth check`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};

/** Checked options of `auth check`. */
interface CheckOptions {
  connection: ConnectionOptions;
  workspace: WorkspaceOptions;
}

const check: CommandModule<CheckOptions> = {
  builder: (y: Argv) =>
    workspaceFlags(connectionFlags(y))
      .epilogue(`Reads: ${CONNECTION_READS}. Exit codes: 0 the credentials work, 1 they do not.`)
      .example('rdhooks auth check', `Check the ${CLIENT_ID}/${CLIENT_SECRET}/${REFRESH} in the environment`)
      .example('rdhooks auth check --emulator', 'Check against the local emulator')
      .example('rdhooks auth check --account acme', "Check a workspace account's credentials, and that they are its"),

  parse: (argv: ParsedArgs, io: Io): CheckOptions => ({ connection: parseConnectionArgs(argv, io.env), workspace: parseWorkspaceArgs(argv) }),

  async run(o: CheckOptions, io: Io): Promise<number> {
    const workspace = await chooseWorkspace(undefined, o.workspace, io);
    if (workspace !== undefined) return checkWorkspace(workspace, o, io);
    let what = 'the in-process emulator';
    let connection = o.connection;
    if (!o.connection.emulator) {
      const { loadCredentials } = await import('../credentials.js');
      const { credentials } = await loadCredentials(io, o.connection.credentialsFile !== undefined ? { envFile: o.connection.credentialsFile } : {});
      if (credentials.refresh) {
        // Without the access token the client must exchange the refresh token first: that is the part to prove.
        connection = { ...o.connection, refreshOnly: true };
        what = `${CLIENT_ID}, ${CLIENT_SECRET} and ${REFRESH}`;
        if (credentials.accessToken) io.stderr.write(`note: ${ACCESS} is set too; it is not checked.\n`);
      } else {
        what = ACCESS;
      }
    }
    const { name, listed } = await withConnection(connection, io, async (session) => {
      io.stderr.write(`Checking ${what} against ${session.apiUrl}…\n`);
      const { account, listing } = await nameAndListing(session);
      return { name: account, listed: listing.length };
    });
    io.stdout.write(`Credentials OK: account "${name}", ${count(listed, 'webhook')} visible to this integration.\n`);
    return 0;
  },
};

/** Checks each account's credentials (the refresh token, when there is one), and that they are the account the workspace names. */
async function checkWorkspace(file: string, o: CheckOptions, io: Io): Promise<number> {
  const opened = await openWorkspace(file, o.workspace.accounts, io, { showSensitive: false, color: undefined });
  const connection = { ...o.connection, refreshOnly: true };
  const { ok } = await eachAccount(opened, { connection, parallel: o.workspace.parallel }, io, async (account, connect) => {
    const { listing } = await nameAndListing(await connect(), expectedAccountOf(opened.workspace, account));
    io.stdout.write(`${account.name}: credentials OK: account "${escapeControl(account.account)}", ${count(listing.length, 'webhook')} visible to this integration.\n`);
  });
  return ok ? 0 : 1;
}

/** Writes credentials into an env file; a file under .rdhooks/ is kept out of git by a .gitignore there. */
async function saveCredentials(file: string, values: Record<string, string>, io: Io): Promise<void> {
  const [{ mkdir }, { dirname, resolve, relative, sep }, { writeEnvValues }, { ensureStateDir, STATE_DIR }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('../../shared/env-file.js'),
    import('../state-dir.js'),
  ]);
  const path = resolve(io.cwd, file);
  if (!relative(resolve(io.cwd, STATE_DIR), path).startsWith(`..${sep}`)) await ensureStateDir(io.cwd);
  await mkdir(dirname(path), { recursive: true });
  await writeEnvValues(path, values, file);
}

const auth: CommandGroup = {
  actions: {
    url: { describe: 'Print the authorization URL to open in a browser', module: url },
    exchange: { describe: 'Trade the code RD sends back for a refresh token', module: exchange },
    check: { describe: 'Verify the credentials in the environment: whose account, and one list call', module: check },
  },
};

export default auth;
