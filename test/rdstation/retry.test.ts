import { describe, expect, it } from '@jest/globals';
import { backoffDelay, decide, isExpiredToken, isRetriable, isTransientStatus, parseRetryAfter, rateLimitWait, type CallState, type Decision, type Outcome } from '../../src/rdstation/retry.js';

describe('backoffDelay (full jitter)', () => {
  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [10, 30_000],
  ])('retry %i waits below %i ms', (retry, ceiling) => {
    expect(backoffDelay(retry, () => 0)).toBe(0);
    expect(backoffDelay(retry, () => 0.999999)).toBe(ceiling - 1);
    expect(backoffDelay(retry, () => 0.5)).toBe(ceiling / 2);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['120', 120_000],
    ['1.5', 1500],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 00:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s -> %s ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe('rateLimitWait', () => {
  it('prefers Retry-After, then retry-after-quotas, then remaining_time', () => {
    expect(rateLimitWait({ 'retry-after': '2', 'retry-after-quotas': '9' }, 5000, 0)).toBe(2000);
    expect(rateLimitWait({ 'retry-after-quotas': '9' }, 5000, 0)).toBe(9000);
    expect(rateLimitWait({}, 5000, 0)).toBe(5000);
    expect(rateLimitWait({}, undefined, 0)).toBeUndefined();
  });
});

describe('isRetriable', () => {
  it.each([
    ['GET', { kind: 'answer', status: 503 }, true],
    ['PUT', { kind: 'answer', status: 500 }, true],
    ['DELETE', { kind: 'answer', status: 502 }, true],
    ['GET', { kind: 'answer', status: 429 }, true],
    ['POST', { kind: 'answer', status: 429 }, true],
    ['POST', { kind: 'answer', status: 503 }, false],
    ['GET', { kind: 'answer', status: 400 }, false],
    ['GET', { kind: 'network', code: 'ECONNRESET' }, true],
    ['POST', { kind: 'network', code: 'ECONNRESET' }, false],
    ['POST', { kind: 'network', code: 'ETIMEDOUT' }, false],
    ['POST', { kind: 'network', code: 'ECONNREFUSED' }, true],
    ['POST', { kind: 'network', code: undefined }, false],
  ] as const)('%s after %j: %s', (method, outcome, expected) => {
    expect(isRetriable(method, outcome)).toBe(expected);
  });
});

describe('isTransientStatus and isExpiredToken', () => {
  it.each([[429, true], [500, true], [503, true], [400, false], [401, false], [404, false]])('%i transient: %s', (status, expected) => {
    expect(isTransientStatus(status)).toBe(expected);
  });

  it.each([
    [{ 'www-authenticate': 'Bearer realm="https://api.rd.services/", error="expired_token", error_description="The access token expired"' }, true],
    [{ 'x-amzn-remapped-www-authenticate': 'Bearer error=expired_token' }, true],
    [{ 'www-authenticate': ['Basic', 'Bearer error="expired_token"'] }, true],
    [{ 'www-authenticate': 'Bearer error="invalid_token"' }, false],
    [{}, false],
  ])('%j expired: %s', (headers, expected) => {
    expect(isExpiredToken(headers)).toBe(expected);
  });
});

/** A first attempt of a list, 60 s before the deadline, with refresh credentials and a token not yet proven. */
const base: CallState = {
  operation: 'list', method: 'GET', attempt: 1, maxAttempts: 5, msLeft: 60_000,
  refreshed: false, canRefresh: true, freshToken: false, mayHaveLanded: false,
};
const answer = (status: number, extra: Partial<Extract<Outcome, { kind: 'answer' }>> = {}): Outcome => ({ kind: 'answer', status, ...extra });
const network = (code: string | undefined): Outcome => ({ kind: 'network', code });

describe('decide', () => {
  const table: [string, Partial<CallState>, Outcome, Decision][] = [
    ['accepts a 2xx', {}, answer(204), { action: 'accept', mayHaveLanded: false }],
    ['retries a GET 503 after backoff', {}, answer(503), { action: 'retry', waitMs: 250, mayHaveLanded: true }],
    ['backs off longer on later attempts', { attempt: 3 }, answer(500), { action: 'retry', waitMs: 1000, mayHaveLanded: true }],
    ['waits as long as a 429 asks', {}, answer(429, { retryAfterMs: 7000 }), { action: 'retry', waitMs: 7000, mayHaveLanded: false }],
    ['gives up when a 429 asks beyond the deadline', { msLeft: 5000 }, answer(429, { retryAfterMs: 7000 }), { action: 'fail', gaveUp: { reason: 'deadline', waitMs: 7000, serverAsked: true }, mayHaveLanded: false }],
    ['gives up when the backoff passes the deadline', { msLeft: 100 }, answer(502), { action: 'fail', gaveUp: { reason: 'deadline', waitMs: 250, serverAsked: false }, mayHaveLanded: true }],
    ['gives up after the last attempt', { attempt: 5 }, answer(500), { action: 'fail', gaveUp: { reason: 'attempts', attempts: 5 }, mayHaveLanded: true }],
    ['fails a single allowed attempt without "gave up"', { maxAttempts: 1 }, answer(500), { action: 'fail', mayHaveLanded: true }],
    ['fails a 400 at once', {}, answer(400), { action: 'fail', mayHaveLanded: false }],
    ['never retries a create that got a 5xx', { operation: 'create', method: 'POST' }, answer(503), { action: 'fail', mayHaveLanded: true }],
    ['retries a create refused with 429', { operation: 'create', method: 'POST' }, answer(429), { action: 'retry', waitMs: 250, mayHaveLanded: false }],
    ['never retries a create whose connection reset', { operation: 'create', method: 'POST' }, network('ECONNRESET'), { action: 'fail', mayHaveLanded: true }],
    ['retries a create that never connected', { operation: 'create', method: 'POST' }, network('ECONNREFUSED'), { action: 'retry', waitMs: 250, mayHaveLanded: false }],
    ['never retries a token exchange that may have landed', { operation: 'token', method: 'POST' }, network('ETIMEDOUT'), { action: 'fail', mayHaveLanded: true }],
    ['retries a PUT whose connection reset', { operation: 'update', method: 'PUT' }, network('ECONNRESET'), { action: 'retry', waitMs: 250, mayHaveLanded: true }],
    ['refreshes once on a 401', {}, answer(401), { action: 'refresh', mayHaveLanded: false }],
    ['does not refresh twice', { refreshed: true }, answer(401), { action: 'fail', mayHaveLanded: false }],
    ['cannot refresh without refresh credentials', { canRefresh: false }, answer(401), { action: 'fail', mayHaveLanded: false }],
    ['never refreshes for the token endpoint itself', { operation: 'token', method: 'POST' }, answer(401), { action: 'fail', mayHaveLanded: false }],
    ['blames the target for a 401 on create with a fresh token', { operation: 'create', method: 'POST', freshToken: true }, answer(401), { action: 'fail', blame: 'target', mayHaveLanded: false }],
    ['refreshes once on a 401 on create with a token not known good', { operation: 'create', method: 'POST' }, answer(401), { action: 'refresh', mayHaveLanded: false }],
    ['blames the target when the retry with a fresh token gets 401 too', { operation: 'create', method: 'POST', refreshed: true, freshToken: true }, answer(401), { action: 'fail', blame: 'target', mayHaveLanded: false }],
    ['names both causes of a 401 on create with an access token alone', { operation: 'create', method: 'POST', canRefresh: false }, answer(401), { action: 'fail', blame: 'token-or-target', mayHaveLanded: false }],
    ['takes an expired-token 401 on create with an access token alone as the token', { operation: 'create', method: 'POST', canRefresh: false }, answer(401, { expiredToken: true }), { action: 'fail', mayHaveLanded: false }],
    ['takes an expired-token 401 after a refresh as the credentials', { operation: 'create', method: 'POST', refreshed: true, freshToken: true }, answer(401, { expiredToken: true }), { action: 'fail', mayHaveLanded: false }],
    ['refreshes on an expired-token 401 on create, fresh token or not', { operation: 'create', method: 'POST', freshToken: true }, answer(401, { expiredToken: true }), { action: 'refresh', mayHaveLanded: false }],
    ['takes a delete 404 after a landed attempt as done', { operation: 'delete', method: 'DELETE', mayHaveLanded: true }, answer(404), { action: 'accept', doneEarlier: true, mayHaveLanded: true }],
    ['takes a plain delete 404 as a failure', { operation: 'delete', method: 'DELETE' }, answer(404), { action: 'fail', mayHaveLanded: false }],
  ];
  it.each(table)('%s', (_name, state, outcome, expected) => {
    expect(decide({ ...base, ...state }, outcome, () => 0.5)).toEqual(expected);
  });
});
