/** The RD Station client: WebhookApi and AuthClient over HTTP, built on the caller (transport + retry policy). */
import { identityKey, type RemoteWebhook, type WebhookSpec } from '../shared/webhook.js';
import type { Logger, WebhookApi } from './api.js';
import { checkTokenUrl, DEFAULT_API_URL } from './apiurl.js';
import { TokenProvider, type Credentials, type RefreshTokenSaver, type TokenResponse } from './auth.js';
import { createCaller, invalidResponse, type CallSpec, type UrlSource } from './call.js';
import { HTTP_DEFAULTS } from './defaults.js';
import { ACCOUNT_INFO_PATH, TOKEN_PATH, WEBHOOKS_PATH, webhookPath } from './paths.js';
import { tokenBucket, type RateLimiter } from './ratelimit.js';
import { createRedactor } from './secrets.js';
import type { Reply } from './transport.js';
import { accountFromWire, fromWire, listFromWire, parseJsonLossless, toRequestBody, tokensFromWire, WireFormatError } from './wire.js';

/** How to reach RD Station and how patient to be. */
export interface HttpApiOptions {
  /** Base URL, already checked with checkApiUrl. */
  apiUrl: string;
  /** The token endpoint, absolute; checked like the API URL. Default `${apiUrl}/auth/token`. */
  tokenUrl?: string;
  auth: Credentials;
  /**
   * Keeps a refresh token RD answered in place of the one in use (rotation); awaited before the new access token
   * is used. When it throws, the call fails with a UserError. Without it, a warning notice says to store it by hand.
   */
  onRefreshTokenRotated?: RefreshTokenSaver;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Attempts per call, the first included. Default 5. */
  maxAttempts?: number;
  /** Budget of one call, retries and waits included. Default 120 s. */
  deadlineMs?: number;
  /** Client-side limit. Default 120 (RD's documented per-account limit). */
  rateLimitPerMinute?: number;
  /** Notices for the user (a new refresh token, …); always shown. */
  logger?: Logger;
  /** Per-request lines (method, path, status, duration, attempt), secrets redacted; only with --debug. */
  debug?: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Replaces the token bucket (tests share one across clients). */
  limiter?: RateLimiter;
  /** Largest response body read; a bigger one is refused. Default 64 MiB (100,000 webhooks are about 28 MiB). */
  maxResponseBytes?: number;
}

/** Builds the RD Station client. No request is made until the first call. */
export function createHttpApi(options: HttpApiOptions): WebhookApi {
  return createClient(options).api;
}

/** The body of a successful code exchange: RD always sends a refresh token with it. */
export type CodeTokenResponse = TokenResponse & { refresh_token: string };

/** The OAuth step before there are credentials: trading an authorization code for tokens. */
export interface AuthClient {
  /**
   * `POST /auth/token?token_by=code`. Never retried once it may have reached RD: a code is single-use, so a
   * second try would only hide the first answer behind EXPIRED_CODE_GRANT.
   */
  exchangeCode(body: { client_id: string; client_secret: string; code: string }): Promise<CodeTokenResponse>;
}

/** Builds a client for the code exchange, with the same transport, retries, redaction and debug lines as the API. */
export function createAuthClient(options: Omit<HttpApiOptions, 'auth'>): AuthClient {
  return { exchangeCode: createClient({ ...options, auth: {} }).exchangeCode };
}

function createClient(options: HttpApiOptions): { api: WebhookApi } & AuthClient {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const redact = createRedactor();
  const apiSource: UrlSource = { base: options.apiUrl, setting: 'RDSTATION_API_URL / --api-url', expected: `the RD Station API (${DEFAULT_API_URL})` };
  const tokenUrl = options.tokenUrl === undefined ? `${options.apiUrl}${TOKEN_PATH}` : checkTokenUrl(options.tokenUrl);
  const tokenSource: UrlSource = options.tokenUrl === undefined ? apiSource : { base: tokenUrl, setting: 'RDSTATION_TOKEN_URL', expected: `RD Station's token endpoint (${DEFAULT_API_URL}${TOKEN_PATH})` };
  // Messages name a token URL under the API by its path, as they do every API path; another host in full.
  const tokenPath = tokenUrl.startsWith(`${options.apiUrl}/`) ? tokenUrl.slice(options.apiUrl.length) : tokenUrl;
  const tokens = new TokenProvider(options.auth, exchangeRefreshToken, {
    onRefreshTokenRotated: options.onRefreshTokenRotated,
    notice: (line) => options.logger?.(redact(line)),
    onSecret: redact.add,
    now,
  });
  const call = createCaller({
    timeoutMs: options.timeoutMs ?? HTTP_DEFAULTS.timeoutMs,
    maxAttempts: Math.max(1, options.maxAttempts ?? HTTP_DEFAULTS.maxAttempts),
    deadlineMs: options.deadlineMs ?? HTTP_DEFAULTS.deadlineMs,
    maxResponseBytes: options.maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes,
    now,
    sleep,
    random: options.random ?? Math.random,
    limiter: options.limiter ?? tokenBucket(options.rateLimitPerMinute ?? HTTP_DEFAULTS.rateLimitPerMinute, { now, sleep }),
    tokens,
    redact,
    debug: (line) => options.debug?.(`debug: ${redact(line)}`),
  });

  /** A call to a path of the API. */
  const api = (spec: Omit<CallSpec, 'url' | 'source'>): CallSpec => ({ ...spec, url: `${options.apiUrl}${spec.path}`, source: apiSource });

  /** Reads a 2xx answer as `convert` says; an answer of another shape is INVALID_RESPONSE. */
  function read<T>(spec: CallSpec, reply: Reply, convert: (v: unknown) => T): T {
    try {
      return convert(parseJsonLossless(reply.body));
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof WireFormatError) throw invalidResponse(spec, err.message);
      throw err;
    }
  }

  /** Makes a call and reads its answer. */
  async function fetchAs<T>(spec: CallSpec, convert: (v: unknown) => T): Promise<T> {
    return read(spec, await call(spec), convert);
  }

  async function fetchTokens(spec: CallSpec): Promise<TokenResponse> {
    const answer = await fetchAs(spec, tokensFromWire);
    redact.add(answer.access_token);
    redact.add(answer.refresh_token);
    return answer;
  }

  function exchangeRefreshToken(body: { client_id: string; client_secret: string; refresh_token: string }): Promise<TokenResponse> {
    return fetchTokens({ operation: 'token', method: 'POST', url: tokenUrl, path: tokenPath, body, source: tokenSource });
  }

  async function exchangeCode(body: { client_id: string; client_secret: string; code: string }): Promise<CodeTokenResponse> {
    for (const secret of [body.client_secret, body.code]) redact.add(secret);
    const spec: CallSpec = { operation: 'code', method: 'POST', url: `${tokenUrl}?token_by=code`, path: `${tokenPath}?token_by=code`, body, source: tokenSource };
    const answer = await fetchTokens(spec);
    if (answer.refresh_token === undefined) throw invalidResponse(spec, 'no refresh_token in the token response');
    return { ...answer, refresh_token: answer.refresh_token };
  }

  const webhooks: WebhookApi = {
    list: () => fetchAs(api({ operation: 'list', method: 'GET', path: WEBHOOKS_PATH }), listFromWire),
    get: (uuid) => fetchAs(api({ operation: 'get', method: 'GET', path: webhookPath(uuid) }), fromWire),
    async create(spec: WebhookSpec): Promise<RemoteWebhook> {
      const request = api({ operation: 'create', method: 'POST', path: WEBHOOKS_PATH, body: toRequestBody(spec), targetUrl: spec.url });
      const reply = await call(request);
      // Any 2xx is success; should one come without the object, find it by the key RD keeps unique.
      if (!reply.body.trim()) {
        const found = (await webhooks.list()).find((w) => identityKey(w) === identityKey(spec));
        if (found) return found;
        throw invalidResponse(request, 'the create succeeded without a body and the new webhook is not listed');
      }
      return read(request, reply, fromWire);
    },
    async update(uuid, spec) {
      const request = api({ operation: 'update', method: 'PUT', path: webhookPath(uuid), body: toRequestBody(spec) });
      const reply = await call(request);
      if (!reply.body.trim()) return webhooks.get(uuid);
      return read(request, reply, fromWire);
    },
    async delete(uuid) {
      await call(api({ operation: 'delete', method: 'DELETE', path: webhookPath(uuid) }));
    },
    accountInfo: () => fetchAs(api({ operation: 'account', method: 'GET', path: ACCOUNT_INFO_PATH }), accountFromWire),
  };
  return { api: webhooks, exchangeCode };
}
