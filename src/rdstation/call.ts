/**
 * One API call as the client makes it: rate limit, access token, the transport, and the retry policy's decisions
 * carried out, with debug lines and errors that name what failed and carry no secret.
 */
import { UserError } from '../shared/errors.js';
import type { Logger, Operation } from './api.js';
import { ApiError, apiErrorFromResponse, parseErrorBody, sanitize, targetUrlRejected, tokenOrTargetRejected } from './errors.js';
import type { RateLimiter } from './ratelimit.js';
import { decide, isExpiredToken, rateLimitWait, type Decision, type GaveUp, type Outcome } from './retry.js';
import type { Redactor } from './secrets.js';
import { NetworkFailure, ResponseTooLarge, send, type Reply, type TransportRequest } from './transport.js';

/** Where access tokens come from (the TokenProvider). */
export interface TokenSource {
  token(): Promise<string>;
  refresh(): Promise<string>;
  readonly canRefresh: boolean;
  /** Whether `token` came from a token exchange of this run. */
  fromExchange(token: string): boolean;
}

/** Where a URL comes from, for hints: its base, the setting that sets it, and what it should be. */
export interface UrlSource {
  base: string;
  setting: string;
  expected: string;
}

/** One call: what it is for, and the request. */
export interface CallSpec {
  operation: Operation;
  method: TransportRequest['method'];
  /** Absolute. */
  url: string;
  /** How messages and debug lines name the URL. */
  path: string;
  body?: unknown;
  /** A create's target URL, named when RD refuses it. */
  targetUrl?: string;
  source: UrlSource;
}

/** What a caller needs: the knobs, the clock, and where tokens, logs and redaction come from. */
export interface CallerOptions {
  timeoutMs: number;
  maxAttempts: number;
  deadlineMs: number;
  maxResponseBytes: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  limiter: RateLimiter;
  /** Needed by every operation but `token` and `code`. */
  tokens?: TokenSource;
  redact: Redactor;
  /** Lines for --debug, already redacted and prefixed by the caller. */
  debug: Logger;
}

/** Makes calls: resolves with a 2xx answer, or rejects with an ApiError (or a UserError from the token source). */
export type Caller = (spec: CallSpec) => Promise<Reply>;

/** Builds the caller. */
export function createCaller(o: CallerOptions): Caller {
  function redacted(e: ApiError): ApiError {
    return e.with({
      message: o.redact(e.message),
      hint: e.hint === undefined ? undefined : o.redact(e.hint),
      serverMessage: e.serverMessage === undefined ? undefined : o.redact(e.serverMessage),
      fieldErrors: e.fieldErrors.map((f) => ({ ...f, message: o.redact(f.message) })),
    });
  }

  /** The token source's errors, with any secret in them (a rotation callback's message, say) redacted. */
  async function fromTokens<T>(get: () => Promise<T>): Promise<T> {
    try {
      return await get();
    } catch (err) {
      if (err instanceof UserError && !(err instanceof ApiError)) {
        throw new UserError(o.redact(err.message), err.hint === undefined ? undefined : o.redact(err.hint));
      }
      throw err;
    }
  }

  return async function call(spec: CallSpec): Promise<Reply> {
    const { method, path, operation } = spec;
    const tokens = operation === 'token' || operation === 'code' ? undefined : o.tokens;
    if (operation !== 'token' && operation !== 'code' && !tokens) throw new Error(`${operation} needs a token source`);
    const deadline = o.now() + o.deadlineMs;
    let attempt = 0;
    let refreshed = false;
    let mayHaveLanded = false;
    for (;;) {
      attempt++;
      const token = tokens ? await fromTokens(() => tokens.token()) : undefined;
      await o.limiter.take();
      const started = o.now();
      o.debug(`→ ${method} ${path} (attempt ${attempt})`);
      let reply: Reply | undefined;
      let failed: NetworkFailure | undefined;
      let outcome: Outcome;
      try {
        reply = await send({ method, url: spec.url, token, body: spec.body, timeoutMs: Math.min(o.timeoutMs, deadline - started), maxResponseBytes: o.maxResponseBytes });
        o.debug(`← ${method} ${path} ${reply.status} in ${o.now() - started} ms (attempt ${attempt})`);
        outcome = answerOutcome(reply);
      } catch (err) {
        if (err instanceof ResponseTooLarge) throw redacted(responseTooLarge(spec, o.maxResponseBytes));
        if (!(err instanceof NetworkFailure)) throw err;
        o.debug(`← ${method} ${path} failed: ${err.code ?? 'error'} after ${o.now() - started} ms (attempt ${attempt})`);
        failed = err;
        outcome = { kind: 'network', code: err.code };
      }
      const freshToken = token !== undefined && tokens !== undefined && tokens.fromExchange(token);
      const decision: Decision = decide(
        { operation, method, attempt, maxAttempts: o.maxAttempts, msLeft: deadline - o.now(), refreshed, canRefresh: tokens?.canRefresh ?? false, freshToken, mayHaveLanded },
        outcome,
        o.random,
      );
      mayHaveLanded = decision.mayHaveLanded;
      switch (decision.action) {
        case 'accept':
          if (!decision.doneEarlier) return reply as Reply;
          o.debug(`${method} ${path}: 404 after an interrupted attempt, taking the earlier delete as done`);
          return { ...(reply as Reply), status: 204, body: '' };
        case 'refresh':
          refreshed = true;
          o.debug(`${method} ${path}: 401${outcome.kind === 'answer' && outcome.expiredToken ? ' (token expired)' : ''}, refreshing the access token`);
          await fromTokens(() => (tokens as TokenSource).refresh());
          attempt--; // the retry with a fresh token is not a failure of the call
          continue;
        case 'retry':
          if (outcome.kind === 'answer') o.debug(`${method} ${path}: ${outcome.status}, waiting ${decision.waitMs} ms before attempt ${attempt + 1}`);
          await o.sleep(decision.waitMs);
          continue;
        case 'fail':
          throw redacted(failure(spec, reply ?? failed, outcome, decision, attempt));
      }
    }
  };

  function answerOutcome(reply: Reply): Outcome {
    // Only a 429 says how long to wait; other statuses back off.
    const retryAfterMs = reply.status === 429 ? rateLimitWait(reply.headers, parseErrorBody(reply.body).remainingTimeMs, o.now()) : undefined;
    return { kind: 'answer', status: reply.status, expiredToken: reply.status === 401 && isExpiredToken(reply.headers), retryAfterMs };
  }

  function failure(spec: CallSpec, got: Reply | NetworkFailure | undefined, outcome: Outcome, decision: Decision & { action: 'fail' }, attempts: number): ApiError {
    const { method, path, operation } = spec;
    const landed = operation === 'create' && decision.mayHaveLanded;
    if (got instanceof NetworkFailure || got === undefined || outcome.kind === 'network') {
      return networkError(spec, got instanceof NetworkFailure ? got : undefined, attempts, landed);
    }
    const reply = got;
    if (decision.blame && spec.targetUrl !== undefined) {
      const build = decision.blame === 'target' ? targetUrlRejected : tokenOrTargetRejected;
      return build(spec.targetUrl, method, path, reply.body);
    }
    let e = apiErrorFromResponse({ status: reply.status, body: reply.body, method, path, operation, retryAfterMs: outcome.retryAfterMs });
    if (decision.gaveUp) e = e.with({ message: `${e.message} (gave up: ${gaveUpWhy(decision.gaveUp)})` });
    // A create that failed on the server, or after an attempt that may have landed, may exist now.
    return landed ? mayHaveLandedError(e) : e;
  }

  function gaveUpWhy(g: GaveUp): string {
    if (g.reason === 'attempts') return `after ${g.attempts} attempts (--retries)`;
    const who = g.serverAsked ? 'the server asked to wait' : 'the next retry would wait';
    return `${who} ${Math.ceil(g.waitMs / 1000)} s, beyond the ${Math.round(o.deadlineMs / 1000)} s deadline (--deadline)`;
  }

  function networkError(spec: CallSpec, failed: NetworkFailure | undefined, attempts: number, outcomeUnknown: boolean): ApiError {
    const code = failed?.code;
    const timedOut = code === 'ETIMEDOUT';
    const what = timedOut ? 'timed out' : `failed (${code ?? (failed ? sanitize(failed.message) : 'network error')})`;
    return new ApiError({
      message: `${spec.method} ${spec.path} ${what}${attempts > 1 ? ` after ${attempts} attempts` : ''}`,
      hint: outcomeUnknown
        ? 'The connection broke after the request was sent, so the webhook may or may not have been created: run rdhooks plan to see the account as it is now.'
        : timedOut
          ? 'RD Station did not answer in time: try again later, or raise --timeout / --deadline.'
          : `Could not reach ${spec.source.base}: check the network and ${spec.source.setting}.`,
      code: timedOut ? 'TIMEOUT' : (code ?? 'NETWORK_ERROR'),
      method: spec.method,
      path: spec.path,
      retryable: true,
      outcomeUnknown,
    });
  }
}

function responseTooLarge({ method, path, source }: CallSpec, maxResponseBytes: number): ApiError {
  const mib = Math.round((maxResponseBytes / 1024 / 1024) * 10) / 10;
  return new ApiError({
    message: `RD Station's answer to ${method} ${path} is larger than ${mib} MiB; rdhooks stopped reading it`,
    hint: `No RD Station answer is that large: check ${source.setting}, and any proxy in between.`,
    code: 'RESPONSE_TOO_LARGE',
    method,
    path,
    retryable: false,
  });
}

/** A 2xx answer that is not the documented shape. */
export function invalidResponse({ method, path, source }: Pick<CallSpec, 'method' | 'path' | 'source'>, why: string): ApiError {
  return new ApiError({
    message: `RD Station's answer to ${method} ${path} could not be read: ${sanitize(why)}`,
    hint: `Check ${source.setting}: it should be ${source.expected}.`,
    code: 'INVALID_RESPONSE',
    method,
    path,
    retryable: false,
  });
}

function mayHaveLandedError(e: ApiError): ApiError {
  return e.with({
    hint: 'A create that failed on the server may still have happened: run rdhooks plan to see the account as it is now, then apply again.',
    outcomeUnknown: true,
  });
}
