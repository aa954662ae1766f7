/** The RD Station client: WebhookApi and AuthClient over HTTP, built on the caller (transport + retry policy). */
import { identityKey, type RemoteWebhook, type WebhookSpec } from '../shared/webhook.js';
import type { Logger, WebhookApi } from './api.js';
import { TokenProvider, type Credentials, type TokenResponse } from './auth.js';
import { createCaller, type CallSpec } from './call.js';
import { ApiError, sanitize } from './errors.js';
import { ACCOUNT_INFO_PATH, TOKEN_PATH, WEBHOOKS_PATH, webhookPath } from './paths.js';
import { tokenBucket, type RateLimiter } from './ratelimit.js';
import { createRedactor } from './secrets.js';
import type { Reply } from './transport.js';
import { accountFromWire, fromWire, listFromWire, parseJsonLossless, toRequestBody, tokensFromWire, WireFormatError } from './wire.js';

/** How to reach RD Station and how patient to be. */
export interface HttpApiOptions {
  /** Base URL, already checked with checkApiUrl. */
  apiUrl: string;
  auth: Credentials;
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

/** Defaults of the knobs, also shown in --help. */
export const HTTP_DEFAULTS = { timeoutMs: 30_000, maxAttempts: 5, deadlineMs: 120_000, rateLimitPerMinute: 120, maxResponseBytes: 64 * 1024 * 1024 } as const;

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
  const tokens = new TokenProvider(options.auth, exchangeRefreshToken, {
    notice: (line) => options.logger?.(redact(line)),
    onSecret: redact.add,
    now,
  });
  const call = createCaller({
    apiUrl: options.apiUrl,
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
  const api = (spec: Omit<CallSpec, 'url'>): Promise<Reply> => call({ ...spec, url: `${options.apiUrl}${spec.path}` });

  async function exchangeRefreshToken(body: { client_id: string; client_secret: string; refresh_token: string }): Promise<TokenResponse> {
    return readTokens(TOKEN_PATH, await api({ operation: 'token', method: 'POST', path: TOKEN_PATH, body }));
  }

  async function exchangeCode(body: { client_id: string; client_secret: string; code: string }): Promise<CodeTokenResponse> {
    for (const secret of [body.client_secret, body.code]) redact.add(secret);
    const path = `${TOKEN_PATH}?token_by=code`;
    const tokens = readTokens(path, await api({ operation: 'code', method: 'POST', path, body }));
    if (typeof tokens.refresh_token !== 'string' || !tokens.refresh_token) {
      throw invalidResponse('POST', path, 'no refresh_token in the token response');
    }
    return tokens as CodeTokenResponse;
  }

  function readTokens(path: string, reply: Reply): TokenResponse {
    const tokens = read('POST', path, reply, tokensFromWire);
    redact.add(tokens.access_token);
    redact.add(tokens.refresh_token);
    return tokens;
  }

  function read<T>(method: string, path: string, reply: Reply, convert: (v: unknown) => T): T {
    try {
      return convert(parseJsonLossless(reply.body));
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof WireFormatError) throw invalidResponse(method, path, err.message);
      throw err;
    }
  }

  const webhooks: WebhookApi = {
    async list() {
      return read('GET', WEBHOOKS_PATH, await api({ operation: 'list', method: 'GET', path: WEBHOOKS_PATH }), listFromWire);
    },
    async get(uuid) {
      const path = webhookPath(uuid);
      return read('GET', path, await api({ operation: 'get', method: 'GET', path }), fromWire);
    },
    async create(spec: WebhookSpec): Promise<RemoteWebhook> {
      const reply = await api({ operation: 'create', method: 'POST', path: WEBHOOKS_PATH, body: toRequestBody(spec), targetUrl: spec.url });
      // Any 2xx is success; should one come without the object, find it by the key RD keeps unique.
      if (!reply.body.trim()) {
        const found = (await webhooks.list()).find((w) => identityKey(w) === identityKey(spec));
        if (found) return found;
        throw invalidResponse('POST', WEBHOOKS_PATH, 'the create succeeded without a body and the new webhook is not listed');
      }
      return read('POST', WEBHOOKS_PATH, reply, fromWire);
    },
    async update(uuid, spec) {
      const path = webhookPath(uuid);
      const reply = await api({ operation: 'update', method: 'PUT', path, body: toRequestBody(spec) });
      if (!reply.body.trim()) return webhooks.get(uuid);
      return read('PUT', path, reply, fromWire);
    },
    async delete(uuid) {
      await api({ operation: 'delete', method: 'DELETE', path: webhookPath(uuid) });
    },
    async accountInfo() {
      return read('GET', ACCOUNT_INFO_PATH, await api({ operation: 'account', method: 'GET', path: ACCOUNT_INFO_PATH }), accountFromWire);
    },
  };
  return { api: webhooks, exchangeCode };
}

/** A 2xx answer that is not the documented shape. */
function invalidResponse(method: string, path: string, why: string): ApiError {
  return new ApiError({
    message: `RD Station's answer to ${method} ${path} could not be read: ${sanitize(why)}`,
    hint: 'Check RDSTATION_API_URL / --api-url: it should be the RD Station API (https://api.rd.services).',
    code: 'INVALID_RESPONSE',
    method,
    path,
    retryable: false,
  });
}
