/** The RD Station API emulator: node:http in front of each account's store, with RD's OAuth, error bodies and injectable faults. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../shared/errors.js';
import type { Logger } from '../rdstation/api.js';
import { ACCOUNT_INFO_PATH, DIALOG_PATH, OAUTH2_TOKEN_PATH, TOKEN_PATH, WEBHOOKS_PATH } from '../rdstation/paths.js';
import { stringifyWithLargeIds, type WireWebhook } from '../rdstation/wire.js';
import { checkAccounts, DEFAULT_ACCOUNT_NAME, openAccount, type AccountCredentials, type AccountOptions, type EmulatorAccount } from './accounts.js';
import { Authority, rdError } from './oauth.js';
import type { EmulatorStore, StoreReply } from './store.js';

// What users of startEmulator need about accounts, from where they import it.
export { EMULATOR_CREDENTIALS, DEFAULT_ACCOUNT_NAME, type AccountOptions, type AccountCredentials } from './accounts.js';

/** Faults a test or a CI rehearsal can switch on, also at run time through the handle. */
export interface Faults {
  /** Delay before each API request (webhooks, account_info) is handled. */
  latencyMs: number;
  /** Probability of a 500/503 with an HTML body instead of handling an API request. */
  failRate: number;
  /** API requests allowed per sliding minute, all accounts together; more answer 429. 0 = no limit. */
  rateLimitPerMinute: number;
  /** Probability that a successful write is performed and then the connection is reset without an answer. */
  dropAfterCommit: number;
  /** On create, POST to the target URL and answer 401 unless it answers 2xx, as RD does. */
  validateUrls: boolean;
}

/** How to start the emulator. Without `accounts`, it has one account, set up by the single-account fields here. */
export interface EmulatorOptions extends Partial<Faults> {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The accounts, each with its own webhooks, refresh token and state file; they share one OAuth app by default. */
  accounts?: readonly AccountOptions[];
  /** The OAuth app every account shares unless it sets its own. */
  clientId?: string;
  clientSecret?: string;
  /** Issue a new refresh token on every refresh and revoke the old one, for every account that does not say. */
  rotateRefreshTokens?: boolean;
  /** Refuse a refresh token unused for this many seconds, for every account that does not say. */
  refreshTokenIdleExpirySec?: number;
  /** Single account: its JSON state file, loaded at start and rewritten atomically after each change. */
  state?: string;
  /** Single account: webhooks to start with when there is no state file yet (RD's list objects). */
  seed?: readonly WireWebhook[];
  /** Single account: the refresh token the token endpoint accepts. */
  refreshToken?: string;
  /** Single account: the authorization code the token endpoint accepts once (besides those GET /auth/dialog issues). */
  authCode?: string;
  /** Single account. */
  platformAccountId?: string;
  /** Lifetime of issued access tokens. Default 86400 s, as RD's /auth/token. */
  tokenLifetimeSec?: number;
  /** Answer 401 without a valid access token. Default true. */
  requireAuth?: boolean;
  random?: () => number;
  now?: () => number;
  /** One line per request handled. */
  logger?: Logger;
}

/** One request the emulator handled; `status` 0 means the connection was dropped. */
export interface RequestRecord {
  method: string;
  path: string;
  status: number;
}

/** One account of a running emulator. */
export interface AccountHandle {
  name: string;
  store: EmulatorStore;
  /** The credentials its token endpoint accepts; a rotation replaces refreshToken here. */
  credentials: AccountCredentials;
  /** Issues an access token for this account directly, as if the token endpoint had. */
  issueToken(lifetimeSec?: number): string;
}

/** A running emulator. `store`, `credentials` and `issueToken` are the first account's. */
export interface EmulatorHandle extends Omit<AccountHandle, 'name'> {
  url: string;
  port: number;
  faults: Faults;
  /** The accounts' names, in order. */
  accounts: string[];
  /** The account of that name; throws when there is none. */
  account(name: string): AccountHandle;
  /** Every request handled, in order. */
  requests: RequestRecord[];
  /** How many requests had this method (and path, trailing slash ignored). */
  count(method: string, path?: string): number;
  /** Makes every issued access token expired. */
  expireTokens(): void;
  /** Every access token issued so far (tests assert they never leak). */
  issuedTokens(): string[];
  close(): Promise<void>;
}

const EXPIRED_HEADER = 'Bearer realm="https://api.rd.services/", error="expired_token", error_description="The access token expired"';

function html(status: number): string {
  const title = status === 503 ? '503 Service Temporarily Unavailable' : '500 Internal Server Error';
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

// Unref: a request still waiting out its latency must not keep a closed emulator's process alive.
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/** POSTs to a target URL as RD does on create; true when it answers 2xx within 5 s. */
export async function targetAnswers2xx(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'rdhooks-emulator' },
      body: JSON.stringify({ event_type: 'WEBHOOK.VALIDATION', source: 'rdhooks-emulator' }),
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/** The accounts the options describe: `accounts`, or one default account from the single-account fields. */
function accountsOf(options: EmulatorOptions): readonly AccountOptions[] {
  if (!options.accounts) {
    const { state, seed, refreshToken, authCode, platformAccountId } = options;
    return [{ name: DEFAULT_ACCOUNT_NAME, state, seed, refreshToken, authCode, platformAccountId }];
  }
  const single = (['state', 'seed', 'refreshToken', 'authCode', 'platformAccountId'] as const).filter((k) => options[k] !== undefined);
  if (single.length) {
    throw new UserError(`The emulator was given accounts and also ${single.join(', ')}, which belong to one account.`, 'Set them on each account in accounts instead.');
  }
  return options.accounts;
}

const UNSUPPORTED_MEDIA = rdError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The payload is in a format not supported by this method on the target resource.');
const UNPARSABLE = rdError(400, 'BAD_REQUEST', 'Could not parse the body of the request according to the provided Content-Type.');

/** The media type of a request, lower-case, without parameters. */
function mediaType(req: IncomingMessage): string | undefined {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
}

/** Starts the emulator on a loopback port and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const requireAuth = options.requireAuth ?? true;
  const faults: Faults = {
    latencyMs: options.latencyMs ?? 0,
    failRate: options.failRate ?? 0,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    dropAfterCommit: options.dropAfterCommit ?? 0,
    validateUrls: options.validateUrls ?? false,
  };

  const specs = accountsOf(options);
  checkAccounts(specs);
  const accounts: EmulatorAccount[] = [];
  for (const [i, spec] of specs.entries()) {
    accounts.push(
      await openAccount(spec, i, options, {
        now,
        // Read at each create, so tests and /_emulator/faults can switch it at run time.
        validateUrl: async (url) => !faults.validateUrls || (await targetAnswers2xx(url)),
      }),
    );
  }
  const first = accounts[0] as EmulatorAccount;
  const authority = new Authority(accounts, { now, lifetimeSec: options.tokenLifetimeSec ?? 86_400 });
  const window: number[] = [];
  const requests: RequestRecord[] = [];

  const send = (res: ServerResponse, reply: StoreReply, headers: Record<string, string> = {}): number => {
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
    } else {
      res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }).end(stringifyWithLargeIds(reply.body));
    }
    return reply.status;
  };

  async function token(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const text = await readBody(req);
    const type = mediaType(req);
    if (type === 'application/json') {
      let params: unknown;
      try {
        params = JSON.parse(text);
      } catch {
        return send(res, UNPARSABLE);
      }
      return send(res, authority.token(typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {}));
    }
    if (type === 'application/x-www-form-urlencoded') return send(res, authority.token(Object.fromEntries(new URLSearchParams(text))));
    return send(res, UNSUPPORTED_MEDIA);
  }

  function dialog(req: IncomingMessage, res: ServerResponse): number {
    const answer = authority.dialog(new URL(req.url ?? '/', 'http://emulator').searchParams);
    if ('location' in answer) {
      res.writeHead(302, { Location: answer.location }).end();
      return 302;
    }
    return send(res, answer);
  }

  /** The account the request's bearer token was issued for, or the answer refusing it. */
  function authorize(req: IncomingMessage, res: ServerResponse): EmulatorAccount | number {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const account = m?.[1] ? authority.accountOf(m[1]) : undefined;
    if (account) return account;
    if (!requireAuth) return first;
    if (!m?.[1]) return send(res, { status: 401, body: { error: 'invalid_request', error_description: 'The access token is missing' } });
    return send(res, rdError(401, 'UNAUTHORIZED', 'Invalid token.'), { 'WWW-Authenticate': EXPIRED_HEADER });
  }

  function rateLimited(res: ServerResponse): number | undefined {
    const limit = faults.rateLimitPerMinute;
    if (!limit) return undefined;
    const t = now();
    while (window.length && (window[0] as number) <= t - 60_000) window.shift();
    if (window.length >= limit) {
      const retryAfter = Math.max(1, Math.ceil(((window[0] as number) + 60_000 - t) / 1000));
      return send(res, rdError(429, 'RATE_LIMIT_EXCEDDED', 'API usage limit exceeded'), { 'Retry-After': String(retryAfter) });
    }
    window.push(t);
    return undefined;
  }

  /** An API request: rate limit, the bearer token, injected latency and failures, then `serve` for the token's account. */
  async function api(req: IncomingMessage, res: ServerResponse, serve: (account: EmulatorAccount) => Promise<number>): Promise<number> {
    const limited = rateLimited(res);
    if (limited !== undefined) return limited;
    const account = authorize(req, res);
    if (typeof account === 'number') return account;
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    if (faults.failRate > 0 && random() < faults.failRate) {
      const status = random() < 0.5 ? 500 : 503;
      res.writeHead(status, { 'Content-Type': 'text/html' }).end(html(status));
      return status;
    }
    return serve(account);
  }

  async function webhooks(req: IncomingMessage, res: ServerResponse, method: string, rest: string, account: EmulatorAccount): Promise<number> {
    const { store } = account;
    let body: unknown;
    if (method === 'POST' || method === 'PUT') {
      const type = mediaType(req);
      const text = await readBody(req);
      if (type !== 'application/json') return send(res, UNSUPPORTED_MEDIA);
      try {
        body = JSON.parse(text);
      } catch {
        return send(res, UNPARSABLE);
      }
    }
    let reply: StoreReply;
    const uuid = rest ? decodeURIComponent(rest) : undefined;
    if (uuid === undefined && method === 'GET') reply = store.list();
    else if (uuid === undefined && method === 'POST') reply = await store.create(body);
    else if (uuid !== undefined && !uuid.includes('/') && method === 'GET') reply = store.get(uuid);
    else if (uuid !== undefined && !uuid.includes('/') && method === 'PUT') reply = await store.update(uuid, body);
    else if (uuid !== undefined && !uuid.includes('/') && method === 'DELETE') reply = await store.delete(uuid);
    else return send(res, rdError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here.`));
    if (method !== 'GET' && reply.status < 300 && faults.dropAfterCommit > 0 && random() < faults.dropAfterCommit) {
      await account.flush();
      req.socket.resetAndDestroy();
      return 0;
    }
    return send(res, reply);
  }

  async function admin(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<number> {
    const m = /^\/_emulator\/webhooks\/([^/]+)\/(suspend|activate)$/.exec(path);
    if (m?.[1] && method === 'POST') {
      const uuid = decodeURIComponent(m[1]);
      const holder = accounts.find((a) => a.store.get(uuid).status === 200);
      const ok = holder !== undefined && (await holder.store.setStatus(uuid, m[2] === 'suspend' ? 'suspended' : 'active'));
      return send(res, ok ? { status: 204 } : rdError(404, 'RESOURCE_NOT_FOUND', 'Webhook not found.'));
    }
    if (path === '/_emulator/faults' && method === 'PUT') {
      try {
        Object.assign(faults, JSON.parse(await readBody(req)) as Partial<Faults>);
      } catch {
        return send(res, rdError(400, 'BAD_REQUEST', 'Could not parse the body.'));
      }
    }
    if (path === '/_emulator/faults') return send(res, { status: 200, body: faults });
    return send(res, rdError(404, 'RESOURCE_NOT_FOUND', 'No such emulator endpoint.'));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const method = (req.method ?? 'GET').toUpperCase();
    // RD's Ruby gem calls the collection with a trailing slash and its n8n node without: both are the same.
    const path = new URL(req.url ?? '/', 'http://emulator').pathname.replace(/(.)\/+$/, '$1');
    if ((path === TOKEN_PATH || path === OAUTH2_TOKEN_PATH) && method === 'POST') return token(req, res);
    if (path === DIALOG_PATH && method === 'GET') return dialog(req, res);
    if (path === WEBHOOKS_PATH || path.startsWith(`${WEBHOOKS_PATH}/`)) {
      return api(req, res, (account) => webhooks(req, res, method, path.slice(WEBHOOKS_PATH.length + 1), account));
    }
    if (path === ACCOUNT_INFO_PATH && method === 'GET') return api(req, res, async (account) => send(res, { status: 200, body: { name: account.name } }));
    if (path.startsWith('/_emulator/')) return admin(req, res, method, path);
    return send(res, rdError(404, 'RESOURCE_NOT_FOUND', `No route for ${method} ${path}.`));
  }

  const server = createServer((req, res) => {
    const started = now();
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    handle(req, res)
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/html' }).end(html(500));
        options.logger?.(`emulator: internal error: ${err instanceof Error ? err.message : String(err)}`);
        return 500;
      })
      .then((status) => {
        requests.push({ method: req.method ?? 'GET', path, status });
        options.logger?.(`${req.method} ${path} ${status === 0 ? 'dropped' : status} ${now() - started} ms`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const normalize = (p: string): string => p.replace(/(.)\/+$/, '$1');
  const handleOf = (a: EmulatorAccount): AccountHandle => ({
    name: a.name,
    store: a.store,
    credentials: a.credentials,
    issueToken: (lifetimeSec) => authority.issueToken(a, lifetimeSec),
  });

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    store: first.store,
    credentials: first.credentials,
    issueToken: (lifetimeSec) => authority.issueToken(first, lifetimeSec),
    accounts: accounts.map((a) => a.name),
    account(name) {
      const a = accounts.find((x) => x.name === name);
      if (!a) throw new Error(`the emulator has no account named ${JSON.stringify(name)}`);
      return handleOf(a);
    },
    faults,
    requests,
    count: (method, path) =>
      requests.filter((r) => r.method === method.toUpperCase() && (path === undefined || normalize(r.path) === normalize(path))).length,
    issuedTokens: () => authority.issued(),
    expireTokens: () => authority.expireAll(),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(accounts.map((a) => a.flush()));
    },
  };
}
