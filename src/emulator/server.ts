/** The RD Station API emulator: node:http in front of the store, with RD's auth, error bodies and injectable faults. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../rdstation/api.js';
import { stringifyWithLargeIds, type WireWebhook } from '../rdstation/wire.js';
import { EmulatorStore, type StoreReply } from './store.js';
import { ACCOUNT_INFO_PATH } from '../rdstation/paths.js';
import { readWebhooksFile, writeState } from './state.js';

/** Faults a test or a CI rehearsal can switch on, also at run time through the handle. */
export interface Faults {
  /** Delay before each webhook request is handled. */
  latencyMs: number;
  /** Probability of a 500/503 with an HTML body instead of handling a webhook request. */
  failRate: number;
  /** Webhook requests allowed per sliding minute; more answer 429. 0 = no limit. */
  rateLimitPerMinute: number;
  /** Probability that a successful write is performed and then the connection is reset without an answer. */
  dropAfterCommit: number;
  /** On create, POST to the target URL and answer 401 unless it answers 2xx, as RD does. */
  validateUrls: boolean;
}

/** How to start the emulator. */
export interface EmulatorOptions extends Partial<Faults> {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** JSON state file: loaded at start, rewritten atomically after each change. */
  state?: string;
  /** Webhooks to start with when there is no state file yet (RD's list objects). */
  seed?: readonly WireWebhook[];
  /** Lifetime of issued access tokens. Default 86400 s, as RD's /auth/token. */
  tokenLifetimeSec?: number;
  /** Answer 401 without a valid access token. Default true. */
  requireAuth?: boolean;
  /** The OAuth app the token endpoint accepts. */
  clientId?: string;
  clientSecret?: string;
  /** The refresh token the token endpoint accepts. */
  refreshToken?: string;
  /** The authorization code the token endpoint accepts once (besides those GET /auth/dialog issues). */
  authCode?: string;
  /** Issue a new refresh token on every refresh and revoke the old one (RD's newer endpoints do). */
  rotateRefreshTokens?: boolean;
  platformAccountId?: string;
  /** The account's name, as GET /marketing/account_info answers it. */
  accountName?: string;
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

/** A running emulator. */
export interface EmulatorHandle {
  url: string;
  port: number;
  store: EmulatorStore;
  faults: Faults;
  /** The credentials its token endpoint accepts. */
  credentials: { clientId: string; clientSecret: string; refreshToken: string; authCode: string };
  /** Every request handled, in order. */
  requests: RequestRecord[];
  /** How many requests had this method (and path, trailing slash ignored). */
  count(method: string, path?: string): number;
  /** Issues an access token directly, as if the token endpoint had. */
  issueToken(lifetimeSec?: number): string;
  /** Makes every issued access token expired. */
  expireTokens(): void;
  /** Every access token issued so far (tests assert they never leak). */
  issuedTokens(): string[];
  close(): Promise<void>;
}

/** The credentials the emulator accepts unless told otherwise; documented for users of `rdhooks emulator`. */
export const EMULATOR_CREDENTIALS = {
  clientId: 'rdhooks-emulator',
  clientSecret: 'rdhooks-emulator-secret',
  refreshToken: 'rdhooks-emulator-refresh-token',
  authCode: 'rdhooks-emulator-code',
} as const;

/** The account name the emulator answers unless told otherwise. */
export const DEFAULT_ACCOUNT_NAME = 'RD Station emulator';

const EXPIRED_HEADER = 'Bearer realm="https://api.rd.services/", error="expired_token", error_description="The access token expired"';
const COLLECTION = '/integrations/webhooks';

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

/** Starts the emulator on a loopback port and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const lifetimeSec = options.tokenLifetimeSec ?? 86_400;
  const requireAuth = options.requireAuth ?? true;
  const credentials = {
    clientId: options.clientId ?? EMULATOR_CREDENTIALS.clientId,
    clientSecret: options.clientSecret ?? EMULATOR_CREDENTIALS.clientSecret,
    refreshToken: options.refreshToken ?? EMULATOR_CREDENTIALS.refreshToken,
    authCode: options.authCode ?? EMULATOR_CREDENTIALS.authCode,
  };
  const faults: Faults = {
    latencyMs: options.latencyMs ?? 0,
    failRate: options.failRate ?? 0,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    dropAfterCommit: options.dropAfterCommit ?? 0,
    validateUrls: options.validateUrls ?? false,
  };

  const saved = options.state ? await readWebhooksFile(options.state) : undefined;
  const store = new EmulatorStore({
    seed: saved?.webhooks ?? options.seed ?? [],
    platformAccountId: saved?.platform_account_id ?? options.platformAccountId,
    now,
  });
  let writing: Promise<void> = Promise.resolve();
  const persist = (): Promise<void> => {
    const file = options.state;
    if (!file) return Promise.resolve();
    // Writes run one after another so an older snapshot never overwrites a newer one.
    writing = writing.catch(() => undefined).then(() => writeState(file, { version: 1, platform_account_id: store.platformAccountId, webhooks: store.snapshot() }));
    return writing;
  };
  store.onChange = persist;
  // Read at each create, so tests and /_emulator/faults can switch it at run time.
  store.validateUrl = async (url) => !faults.validateUrls || (await targetAnswers2xx(url));
  if (options.state && !saved) await persist();

  const tokens = new Map<string, number>();
  const usedCodes = new Set<string>();
  /** Codes GET /auth/dialog issued, by expiry time; each is deleted when used. */
  const issuedCodes = new Map<string, number>();
  const window: number[] = [];
  const requests: RequestRecord[] = [];

  const issueToken = (seconds = lifetimeSec): string => {
    const token = `emu_${randomBytes(24).toString('base64url')}`;
    tokens.set(token, now() + seconds * 1000);
    return token;
  };

  const send = (res: ServerResponse, reply: StoreReply, headers: Record<string, string> = {}): number => {
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
    } else {
      res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }).end(stringifyWithLargeIds(reply.body));
    }
    return reply.status;
  };

  const error = (status: number, type: string, message: string): StoreReply => ({ status, body: { errors: { error_type: type, error_message: message } } });

  async function token(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const text = await readBody(req);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    let params: Record<string, unknown>;
    if (type === 'application/json') {
      try {
        params = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return send(res, error(400, 'BAD_REQUEST', 'Could not parse the body of the request according to the provided Content-Type.'));
      }
    } else if (type === 'application/x-www-form-urlencoded') {
      params = Object.fromEntries(new URLSearchParams(text));
    } else {
      return send(res, error(415, 'UNSUPPORTED_MEDIA_TYPE', 'The payload is in a format not supported by this method on the target resource.'));
    }
    const missing = ['client_id', 'client_secret'].filter((k) => typeof params[k] !== 'string' || !params[k]);
    if (missing.length) {
      return send(res, { status: 400, body: { errors: missing.map((k) => ({ error_type: 'CANNOT_BE_NULL', error_message: 'Cannot be null.', path: `body.${k}` })) } });
    }
    if (params.client_id !== credentials.clientId || params.client_secret !== credentials.clientSecret) {
      return send(res, error(401, 'ACCESS_DENIED', 'Wrong credentials provided.'));
    }
    const grant = typeof params.grant_type === 'string' ? params.grant_type : params.code !== undefined ? 'authorization_code' : 'refresh_token';
    if (grant === 'authorization_code') {
      const code = typeof params.code === 'string' ? params.code : '';
      const issued = issuedCodes.get(code);
      if (issued !== undefined) {
        issuedCodes.delete(code);
        if (issued <= now()) return send(res, error(401, 'EXPIRED_CODE_GRANT', 'The authorization code grant has expired.'));
      } else if (code !== credentials.authCode || usedCodes.has(credentials.authCode)) {
        return send(res, error(401, 'EXPIRED_CODE_GRANT', 'The authorization code grant has expired.'));
      } else {
        usedCodes.add(credentials.authCode);
      }
    } else if (grant === 'refresh_token') {
      if (params.refresh_token !== credentials.refreshToken) {
        return send(res, error(401, 'INVALID_REFRESH_TOKEN', 'The provided refresh token is invalid or was revoked.'));
      }
      if (options.rotateRefreshTokens) credentials.refreshToken = `emu_refresh_${randomBytes(16).toString('base64url')}`;
    } else {
      return send(res, { status: 400, body: { error: 'unsupported_grant_type', error_description: `Unsupported grant_type "${grant}".` } });
    }
    return send(res, { status: 200, body: { access_token: issueToken(), expires_in: lifetimeSec, refresh_token: credentials.refreshToken } });
  }

  /**
   * RD's authorization dialog, with the user's consent taken as given: redirects to `redirect_uri?code=…` with a
   * fresh code valid for 1 hour and good for one exchange, as RD documents.
   */
  function dialog(req: IncomingMessage, res: ServerResponse): number {
    const query = new URL(req.url ?? '/', 'http://emulator').searchParams;
    const clientId = query.get('client_id');
    const redirect = query.get('redirect_uri');
    const missing = [['client_id', clientId], ['redirect_uri', redirect]].filter(([, v]) => !v).map(([k]) => k);
    if (missing.length) {
      return send(res, { status: 400, body: { errors: missing.map((k) => ({ error_type: 'CANNOT_BE_NULL', error_message: 'Cannot be null.', path: `query.${k}` })) } });
    }
    if (clientId !== credentials.clientId) return send(res, error(401, 'ACCESS_DENIED', 'Wrong credentials provided.'));
    let target: URL;
    try {
      target = new URL(redirect as string);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error('not http');
    } catch {
      return send(res, error(400, 'INVALID_REDIRECT_URI', 'The redirect_uri must be an absolute http(s) URL.'));
    }
    const code = `emu_code_${randomBytes(16).toString('hex')}`;
    issuedCodes.set(code, now() + 3600 * 1000);
    target.searchParams.set('code', code);
    res.writeHead(302, { Location: target.toString() }).end();
    return 302;
  }

  /** Checks the bearer token; an answer when it is refused. */
  function unauthorized(req: IncomingMessage, res: ServerResponse): number | undefined {
    if (!requireAuth) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m?.[1]) return send(res, { status: 401, body: { error: 'invalid_request', error_description: 'The access token is missing' } });
    const expiresAt = tokens.get(m[1]);
    if (expiresAt === undefined || expiresAt <= now()) {
      return send(res, error(401, 'UNAUTHORIZED', 'Invalid token.'), { 'WWW-Authenticate': EXPIRED_HEADER });
    }
    return undefined;
  }

  function rateLimited(res: ServerResponse): number | undefined {
    const limit = faults.rateLimitPerMinute;
    if (!limit) return undefined;
    const t = now();
    while (window.length && (window[0] as number) <= t - 60_000) window.shift();
    if (window.length >= limit) {
      const retryAfter = Math.max(1, Math.ceil(((window[0] as number) + 60_000 - t) / 1000));
      return send(res, error(429, 'RATE_LIMIT_EXCEDDED', 'API usage limit exceeded'), { 'Retry-After': String(retryAfter) });
    }
    window.push(t);
    return undefined;
  }

  async function webhooks(req: IncomingMessage, res: ServerResponse, method: string, rest: string): Promise<number> {
    const refused = rateLimited(res) ?? unauthorized(req, res);
    if (refused !== undefined) return refused;
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    if (faults.failRate > 0 && random() < faults.failRate) {
      const status = random() < 0.5 ? 500 : 503;
      res.writeHead(status, { 'Content-Type': 'text/html' }).end(html(status));
      return status;
    }
    let body: unknown;
    if (method === 'POST' || method === 'PUT') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      const text = await readBody(req);
      if (type !== 'application/json') {
        return send(res, error(415, 'UNSUPPORTED_MEDIA_TYPE', 'The payload is in a format not supported by this method on the target resource.'));
      }
      try {
        body = JSON.parse(text);
      } catch {
        return send(res, error(400, 'BAD_REQUEST', 'Could not parse the body of the request according to the provided Content-Type.'));
      }
    }
    let reply: StoreReply;
    const uuid = rest ? decodeURIComponent(rest) : undefined;
    if (uuid === undefined && method === 'GET') reply = store.list();
    else if (uuid === undefined && method === 'POST') reply = await store.create(body);
    else if (uuid !== undefined && !uuid.includes('/') && method === 'GET') reply = store.get(uuid);
    else if (uuid !== undefined && !uuid.includes('/') && method === 'PUT') reply = await store.update(uuid, body);
    else if (uuid !== undefined && !uuid.includes('/') && method === 'DELETE') reply = await store.delete(uuid);
    else return send(res, error(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here.`));
    if (method !== 'GET' && reply.status < 300 && faults.dropAfterCommit > 0 && random() < faults.dropAfterCommit) {
      await writing.catch(() => undefined);
      req.socket.resetAndDestroy();
      return 0;
    }
    return send(res, reply);
  }

  async function admin(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<number> {
    const m = /^\/_emulator\/webhooks\/([^/]+)\/(suspend|activate)$/.exec(path);
    if (m?.[1] && method === 'POST') {
      const ok = await store.setStatus(decodeURIComponent(m[1]), m[2] === 'suspend' ? 'suspended' : 'active');
      return send(res, ok ? { status: 204 } : error(404, 'RESOURCE_NOT_FOUND', 'Webhook not found.'));
    }
    if (path === '/_emulator/faults' && method === 'PUT') {
      try {
        Object.assign(faults, JSON.parse(await readBody(req)) as Partial<Faults>);
      } catch {
        return send(res, error(400, 'BAD_REQUEST', 'Could not parse the body.'));
      }
    }
    if (path === '/_emulator/faults') return send(res, { status: 200, body: faults });
    return send(res, error(404, 'RESOURCE_NOT_FOUND', 'No such emulator endpoint.'));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const method = (req.method ?? 'GET').toUpperCase();
    // RD's Ruby gem calls the collection with a trailing slash and its n8n node without: both are the same.
    const path = new URL(req.url ?? '/', 'http://emulator').pathname.replace(/(.)\/+$/, '$1');
    if (path === '/auth/token' && method === 'POST') return token(req, res);
    if (path === '/auth/dialog' && method === 'GET') return dialog(req, res);
    if (path === COLLECTION || path.startsWith(`${COLLECTION}/`)) return webhooks(req, res, method, path.slice(COLLECTION.length + 1));
    if (path === ACCOUNT_INFO_PATH && method === 'GET') return unauthorized(req, res) ?? send(res, { status: 200, body: { name: options.accountName ?? DEFAULT_ACCOUNT_NAME } });
    if (path.startsWith('/_emulator/')) return admin(req, res, method, path);
    return send(res, error(404, 'RESOURCE_NOT_FOUND', `No route for ${method} ${path}.`));
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

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    store,
    faults,
    credentials,
    requests,
    count: (method, path) =>
      requests.filter((r) => r.method === method.toUpperCase() && (path === undefined || normalize(r.path) === normalize(path))).length,
    issueToken,
    issuedTokens: () => [...tokens.keys()],
    expireTokens: () => {
      for (const t of tokens.keys()) tokens.set(t, 0);
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await writing.catch(() => undefined);
    },
  };
}
