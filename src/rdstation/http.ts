/** The got implementation of WebhookApi: the only module that imports got. */
import got, { RequestError } from 'got';
import { VERSION } from '../shared/version.js';
import { ACCOUNT_INFO_PATH } from './paths.js';
import { HTTP_DEFAULTS } from './defaults.js';
import { identityKey, type RemoteWebhook, type WebhookSpec } from '../shared/webhook.js';
import type { Logger, WebhookApi } from './api.js';
import { TokenProvider, type Credentials, type TokenResponse } from './auth.js';
import { ApiError, apiErrorFromResponse, parseErrorBody, sanitize, targetUrlRejected, type Operation } from './errors.js';
import { tokenBucket, type RateLimiter } from './ratelimit.js';
import { createRedactor } from './secrets.js';
import { backoffDelay, maybeSent, rateLimitWait, shouldRetry, type Headers } from './retry.js';
import { fromWire, listFromWire, parseJsonLossless, toRequestBody, WireFormatError } from './wire.js';

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


const WEBHOOKS = '/integrations/webhooks';

interface Reply {
  status: number;
  headers: Headers;
  body: string;
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
  const timeoutMs = options.timeoutMs ?? HTTP_DEFAULTS.timeoutMs;
  const maxAttempts = Math.max(1, options.maxAttempts ?? HTTP_DEFAULTS.maxAttempts);
  const deadlineMs = options.deadlineMs ?? HTTP_DEFAULTS.deadlineMs;
  const maxResponseBytes = options.maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const limiter = options.limiter ?? tokenBucket(options.rateLimitPerMinute ?? HTTP_DEFAULTS.rateLimitPerMinute, { now, sleep });
  const redact = createRedactor();
  const notice: Logger = (line) => options.logger?.(redact(line));
  const debug: Logger = (line) => options.debug?.(`debug: ${redact(line)}`);
  /** Tokens that a successful response proved good. */
  const proven = new Set<string>();

  const auth = new TokenProvider(options.auth, exchangeToken, { notice, onSecret: redact.add, now });

  async function send(method: string, path: string, token: string | undefined, body: unknown, timeout: number): Promise<Reply> {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': `rdhooks/${VERSION}` };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const request = got(`${options.apiUrl}${path}`, {
      method: method as 'GET',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      throwHttpErrors: false,
      retry: { limit: 0 },
      followRedirect: false,
      timeout: { request: Math.max(1, timeout) },
      responseType: 'text',
    });
    // got buffers the whole body: without a cap, a broken proxy or a hostile server could exhaust memory.
    let tooLarge = false;
    request.on('downloadProgress', (p: { transferred: number; total?: number }) => {
      if (!tooLarge && (p.transferred > maxResponseBytes || (p.total ?? 0) > maxResponseBytes)) {
        tooLarge = true;
        request.cancel();
      }
    });
    try {
      const res = await request;
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      if (tooLarge) throw responseTooLarge(method, path);
      throw err;
    }
  }

  function responseTooLarge(method: string, path: string): ApiError {
    const mib = Math.round((maxResponseBytes / 1024 / 1024) * 10) / 10;
    return new ApiError({
      message: `RD Station's answer to ${method} ${path} is larger than ${mib} MiB; rdhooks stopped reading it`,
      hint: 'No RD Station answer is that large: check RDSTATION_API_URL / --api-url, and any proxy in between.',
      code: 'RESPONSE_TOO_LARGE',
      method,
      path,
      retryable: false,
    });
  }

  function redactError(e: ApiError): ApiError {
    return e.with({
      message: redact(e.message),
      hint: e.hint === undefined ? undefined : redact(e.hint),
      serverMessage: e.serverMessage === undefined ? undefined : redact(e.serverMessage),
      fieldErrors: e.fieldErrors.map((f) => ({ ...f, message: redact(f.message) })),
    });
  }

  /** One API call with rate limiting, 401 refresh, retries, backoff and the deadline. */
  async function call(op: Operation, method: string, path: string, body?: unknown, targetUrl?: string): Promise<Reply> {
    const deadline = now() + deadlineMs;
    let attempt = 0;
    let refreshed = false;
    let earlierAttemptMayHaveLanded = false;
    for (;;) {
      attempt++;
      const token = op === 'token' || op === 'code' ? undefined : await auth.token();
      await limiter.take();
      const started = now();
      debug(`→ ${method} ${path} (attempt ${attempt})`);
      let reply: Reply;
      try {
        reply = await send(method, path, token, body, Math.min(timeoutMs, deadline - started));
      } catch (err) {
        if (err instanceof ApiError) throw redactError(err);
        const code = err instanceof RequestError ? err.code : undefined;
        debug(`← ${method} ${path} failed: ${code ?? 'error'} after ${now() - started} ms (attempt ${attempt})`);
        const landed = maybeSent(code);
        earlierAttemptMayHaveLanded ||= landed;
        // A POST (a create, or a token exchange that may spend a rotating refresh token) is retried only when
        // it surely never reached RD.
        const idempotent = method !== 'POST';
        if ((idempotent || shouldRetry(method, { kind: 'network', code })) && attempt < maxAttempts) {
          const wait = backoffDelay(attempt, random);
          if (now() + wait < deadline) {
            await sleep(wait);
            continue;
          }
        }
        throw networkError(method, path, code, err, attempt, op === 'create' && landed);
      }
      debug(`← ${method} ${path} ${reply.status} in ${now() - started} ms (attempt ${attempt})`);
      if (reply.status >= 200 && reply.status < 300) {
        if (token) proven.add(token);
        return reply;
      }
      if (reply.status === 401 && op !== 'token' && token !== undefined) {
        const expired = /error="?expired_token/i.test(
          `${headerText(reply.headers['www-authenticate'])} ${headerText(reply.headers['x-amzn-remapped-www-authenticate'])}`,
        );
        // RD answers 401 to a create whose target URL does not answer 2xx: with a token just exchanged (or one
        // that already worked) that cannot be the credentials.
        if (op === 'create' && !expired && targetUrl !== undefined && (auth.fromExchange(token) || (proven.has(token) && (refreshed || !auth.canRefresh)))) {
          throw redactError(targetUrlRejected(targetUrl, method, path, reply.body));
        }
        if (auth.canRefresh && !refreshed) {
          refreshed = true;
          debug(`${method} ${path}: 401${expired ? ' (token expired)' : ''}, refreshing the access token`);
          await auth.refresh();
          attempt--; // the refresh retry is not a failure of the call
          continue;
        }
      }
      if (op === 'delete' && reply.status === 404 && earlierAttemptMayHaveLanded) {
        // An earlier attempt's connection broke after the server received it: the delete happened then.
        debug(`${method} ${path}: 404 after an interrupted attempt, taking the earlier delete as done`);
        return { ...reply, status: 204, body: '' };
      }
      const parsed = reply.status === 429 ? parseErrorBody(reply.body) : undefined;
      const retryAfterMs = parsed ? rateLimitWait(reply.headers, parsed.remainingTimeMs, now()) : undefined;
      const error = apiErrorFromResponse({ status: reply.status, body: reply.body, method, path, operation: op, retryAfterMs });
      const idempotent = method !== 'POST';
      if (reply.status >= 500) earlierAttemptMayHaveLanded = true;
      // A create that failed on the server, or after an attempt that may have landed, may exist now.
      const finish = (e: ApiError): ApiError => redactError(op === 'create' && earlierAttemptMayHaveLanded ? mayHaveLanded(e) : e);
      if ((idempotent ? error.retryable : shouldRetry(method, { kind: 'status', status: reply.status })) && attempt < maxAttempts) {
        const wait = retryAfterMs ?? backoffDelay(attempt, random);
        if (now() + wait < deadline) {
          debug(`${method} ${path}: ${reply.status}, waiting ${wait} ms before attempt ${attempt + 1}`);
          await sleep(wait);
          continue;
        }
        const who = retryAfterMs === undefined ? 'the next retry would wait' : 'the server asked to wait';
        throw finish(giveUp(error, `${who} ${Math.ceil(wait / 1000)} s, beyond the ${Math.round(deadlineMs / 1000)} s deadline (--deadline)`));
      }
      throw finish(error.retryable && attempt > 1 ? giveUp(error, `after ${attempt} attempts (--retries)`) : error);
    }
  }

  function networkError(method: string, path: string, code: string | undefined, err: unknown, attempts: number, outcomeUnknown: boolean): ApiError {
    const timedOut = code === 'ETIMEDOUT';
    const what = timedOut ? 'timed out' : `failed (${code ?? (err instanceof Error ? sanitize(err.message) : 'network error')})`;
    return redactError(
      new ApiError({
        message: `${method} ${path} ${what}${attempts > 1 ? ` after ${attempts} attempts` : ''}`,
        hint: outcomeUnknown
          ? 'The connection broke after the request was sent, so the webhook may or may not have been created: run rdhooks plan to see the account as it is now.'
          : timedOut
            ? 'RD Station did not answer in time: try again later, or raise --timeout / --deadline.'
            : `Could not reach ${options.apiUrl}: check the network and RDSTATION_API_URL / --api-url.`,
        code: timedOut ? 'TIMEOUT' : (code ?? 'NETWORK_ERROR'),
        method,
        path,
        retryable: true,
        outcomeUnknown,
      }),
    );
  }

  async function exchangeToken(body: { client_id: string; client_secret: string; refresh_token: string }): Promise<TokenResponse> {
    return readTokens('/auth/token', await call('token', 'POST', '/auth/token', body));
  }

  async function exchangeCode(body: { client_id: string; client_secret: string; code: string }): Promise<CodeTokenResponse> {
    for (const secret of [body.client_secret, body.code]) redact.add(secret);
    const path = '/auth/token?token_by=code';
    const tokens = readTokens(path, await call('code', 'POST', path, body));
    if (typeof tokens.refresh_token !== 'string' || !tokens.refresh_token) {
      throw invalidResponse('POST', path, 'no refresh_token in the token response');
    }
    return tokens as CodeTokenResponse;
  }

  function readTokens(path: string, reply: Reply): TokenResponse {
    let parsed: unknown;
    try {
      parsed = JSON.parse(reply.body);
    } catch {
      parsed = undefined;
    }
    const token = (parsed as { access_token?: unknown } | undefined)?.access_token;
    if (typeof token !== 'string' || !token) {
      throw invalidResponse('POST', path, 'no access_token in the token response');
    }
    redact.add(token);
    const refresh = (parsed as { refresh_token?: unknown }).refresh_token;
    if (typeof refresh === 'string') redact.add(refresh);
    return parsed as TokenResponse;
  }

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

  function read<T>(method: string, path: string, reply: Reply, convert: (v: unknown) => T): T {
    try {
      return convert(parseJsonLossless(reply.body));
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof WireFormatError) throw invalidResponse(method, path, err.message);
      throw err;
    }
  }

  const api: WebhookApi = {
    async accountInfo() {
      const reply = await call('get', 'GET', ACCOUNT_INFO_PATH);
      return read('GET', ACCOUNT_INFO_PATH, reply, (v) => {
        const name = (v as { name?: unknown } | null)?.name;
        if (typeof name !== 'string' || name.trim() === '') throw new WireFormatError('no "name" in the account info');
        return { name: sanitize(name) };
      });
    },
    async list() {
      const reply = await call('list', 'GET', WEBHOOKS);
      return read('GET', WEBHOOKS, reply, listFromWire);
    },
    async get(uuid) {
      const path = `${WEBHOOKS}/${encodeURIComponent(uuid)}`;
      return read('GET', path, await call('get', 'GET', path), fromWire);
    },
    async create(spec: WebhookSpec): Promise<RemoteWebhook> {
      const reply = await call('create', 'POST', WEBHOOKS, toRequestBody(spec), spec.url);
      // Any 2xx is success; should one come without the object, find it by the key RD keeps unique.
      if (!reply.body.trim()) {
        const found = (await api.list()).find((w) => identityKey(w) === identityKey(spec));
        if (found) return found;
        throw invalidResponse('POST', WEBHOOKS, 'the create succeeded without a body and the new webhook is not listed');
      }
      return read('POST', WEBHOOKS, reply, fromWire);
    },
    async update(uuid, spec) {
      const path = `${WEBHOOKS}/${encodeURIComponent(uuid)}`;
      const reply = await call('update', 'PUT', path, toRequestBody(spec));
      if (!reply.body.trim()) return api.get(uuid);
      return read('PUT', path, reply, fromWire);
    },
    async delete(uuid) {
      await call('delete', 'DELETE', `${WEBHOOKS}/${encodeURIComponent(uuid)}`);
    },
  };
  return { api, exchangeCode };
}

function headerText(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

function giveUp(e: ApiError, why: string): ApiError {
  return e.with({ message: `${e.message} (gave up: ${why})` });
}

function mayHaveLanded(e: ApiError): ApiError {
  return e.with({
    hint: 'A create that failed on the server may still have happened: run rdhooks plan to see the account as it is now, then apply again.',
    outcomeUnknown: true,
  });
}
