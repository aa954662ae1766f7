/** Retry policy: which failures to retry, how long to back off, and how long a 429 asks us to wait. Pure. */

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

/** Connection failures where the request certainly never reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** What went wrong with one attempt. */
export type Failure = { kind: 'status'; status: number } | { kind: 'network'; code: string | undefined };

/** Whether a network failure might have happened after the server received the request. */
export function maybeSent(code: string | undefined): boolean {
  return !NOT_SENT.has(code ?? '');
}

/**
 * Whether to try again. GET, PUT and DELETE are idempotent: retry 429, 5xx and connection errors. A POST is retried
 * only when the server surely did nothing: a 429, or a connection that was never made; a POST that may have
 * landed is left to the caller, which re-lists.
 */
export function shouldRetry(method: string, failure: Failure): boolean {
  if (failure.kind === 'status') {
    if (failure.status === 429) return true;
    return method !== 'POST' && failure.status >= 500;
  }
  return method !== 'POST' || !maybeSent(failure.code);
}
