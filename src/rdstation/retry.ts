/**
 * The retry policy: the one place that decides what follows an attempt (accept it, refresh the access token, try
 * again after a wait, or fail), from the status or network failure, the method's idempotency, the 401 rules and
 * the deadline. Pure: the HTTP client acts on its decisions.
 */
import type { Operation } from './api.js';

/** Response headers as Node gives them (lower-case names). */
export type Headers = Record<string, string | string[] | undefined>;

/** Backoff settings. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** Defaults: 0.5 s doubling, never more than 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(cap, base·2^(retry-1))), so clients that fail
 * together do not retry together. `retry` counts from 1.
 */
export function backoffDelay(retry: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Seconds (`120`) or an HTTP date, as milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * How long a 429 asks us to wait, in ms: `Retry-After`, else the API gateway's `retry-after-quotas` (seconds, like
 * Retry-After), else the body's `remaining_time` (ms); undefined means back off exponentially.
 */
export function rateLimitWait(headers: Headers, remainingTimeMs: number | undefined, now: number): number | undefined {
  return (
    parseRetryAfter(header(headers, 'retry-after'), now) ??
    parseRetryAfter(header(headers, 'retry-after-quotas'), now) ??
    remainingTimeMs
  );
}

/** Whether a 401 says the access token expired (`WWW-Authenticate: Bearer … error="expired_token"`, as RD sends). */
export function isExpiredToken(headers: Headers): boolean {
  const text = ['www-authenticate', 'x-amzn-remapped-www-authenticate'].map((name) => [headers[name] ?? []].flat().join(', ')).join(' ');
  return /error="?expired_token/i.test(text);
}

/** Whether a status is worth retrying later (rate limit, server failure). */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Connection failures where the request certainly never reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether a network failure might have happened after the server received the request. */
export function maybeSent(code: string | undefined): boolean {
  return !NOT_SENT.has(code ?? '');
}

/** What one attempt came to: an answer (2xx or not), or a network failure before a whole answer arrived. */
export type Outcome =
  | { kind: 'answer'; status: number; expiredToken?: boolean; retryAfterMs?: number }
  | { kind: 'network'; code: string | undefined };

/** Where a call stands when one of its attempts has ended. */
export interface CallState {
  operation: Operation;
  method: string;
  /** Attempts made, this one included; the retry after a token refresh does not count. */
  attempt: number;
  maxAttempts: number;
  /** Milliseconds left before the call's deadline. */
  msLeft: number;
  /** Whether this call already refreshed the access token after a 401. */
  refreshed: boolean;
  /** Whether refresh credentials are configured. */
  canRefresh: boolean;
  /** Whether the access token sent came from a token exchange of this run, so the credentials are known good. */
  freshToken: boolean;
  /** Whether an earlier attempt may have reached RD and done what it asked. */
  mayHaveLanded: boolean;
}

/** Why a call stopped trying while its failure was worth retrying. */
export type GaveUp = { reason: 'attempts'; attempts: number } | { reason: 'deadline'; waitMs: number; serverAsked: boolean };

/**
 * Who a final 401 on create points at: `target` when the credentials are known good (RD refused the target URL),
 * `token-or-target` when they cannot be told apart (an access token alone, which cannot be refreshed to check).
 */
export type Blame = 'target' | 'token-or-target';

/** What to do after an attempt. `mayHaveLanded` is the call's new state: a write may have happened by now. */
export type Decision = { mayHaveLanded: boolean } & (
  | { action: 'accept'; doneEarlier?: boolean }
  | { action: 'refresh' }
  | { action: 'retry'; waitMs: number }
  | { action: 'fail'; gaveUp?: GaveUp; blame?: Blame }
);

/** Calls that send an access token; `token` and `code` are the token endpoint's own. */
function sendsAccessToken(op: Operation): boolean {
  return op !== 'token' && op !== 'code';
}

/**
 * Whether an outcome is worth another attempt. GET, PUT and DELETE are idempotent: 429, 5xx and network failures
 * are retried. A POST (a create, or a token exchange that may spend a rotating refresh token) is retried only when
 * the server surely did nothing: a 429, or a connection that was never made.
 */
export function isRetriable(method: string, outcome: Outcome): boolean {
  const idempotent = method !== 'POST';
  if (outcome.kind === 'network') return idempotent || !maybeSent(outcome.code);
  return outcome.status === 429 || (idempotent && outcome.status >= 500);
}

/** Decides what follows an attempt. `random` jitters the backoff. */
export function decide(state: CallState, outcome: Outcome, random: () => number): Decision {
  const mayHaveLanded = state.mayHaveLanded || (outcome.kind === 'network' ? maybeSent(outcome.code) : outcome.status >= 500);
  const fail = (extra: { gaveUp?: GaveUp; blame?: Blame } = {}): Decision => ({ action: 'fail', mayHaveLanded, ...extra });
  if (outcome.kind === 'answer') {
    const { status } = outcome;
    if (status >= 200 && status < 300) return { action: 'accept', mayHaveLanded };
    if (status === 401 && sendsAccessToken(state.operation)) {
      const create = state.operation === 'create';
      // RD answers 401 to a create whose target URL does not answer 2xx. A token just exchanged is good, so
      // unless RD says it expired, the refusal is the target's; any other token is refreshed once to find out.
      if (create && !outcome.expiredToken && (state.freshToken || state.refreshed)) return fail({ blame: 'target' });
      if (state.canRefresh && !state.refreshed) return { action: 'refresh', mayHaveLanded };
      if (create && !state.canRefresh && !outcome.expiredToken) return fail({ blame: 'token-or-target' });
    }
    // An earlier attempt's connection broke after the server received it: the delete happened then.
    if (status === 404 && state.operation === 'delete' && state.mayHaveLanded) return { action: 'accept', doneEarlier: true, mayHaveLanded };
  }
  if (!isRetriable(state.method, outcome)) return fail();
  if (state.attempt >= state.maxAttempts) return fail(state.attempt > 1 ? { gaveUp: { reason: 'attempts', attempts: state.attempt } } : {});
  const asked = outcome.kind === 'answer' ? outcome.retryAfterMs : undefined;
  const waitMs = asked ?? backoffDelay(state.attempt, random);
  if (waitMs >= state.msLeft) return fail({ gaveUp: { reason: 'deadline', waitMs, serverAsked: asked !== undefined } });
  return { action: 'retry', waitMs, mayHaveLanded };
}
