import { describe, expect, it } from '@jest/globals';
import { backoffDelay, parseRetryAfter, rateLimitWait, shouldRetry } from '../../src/rdstation/retry.js';

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

describe('shouldRetry', () => {
  it.each([
    ['GET', { kind: 'status', status: 503 }, true],
    ['PUT', { kind: 'status', status: 500 }, true],
    ['DELETE', { kind: 'status', status: 502 }, true],
    ['GET', { kind: 'status', status: 429 }, true],
    ['POST', { kind: 'status', status: 429 }, true],
    ['POST', { kind: 'status', status: 503 }, false],
    ['GET', { kind: 'status', status: 400 }, false],
    ['GET', { kind: 'network', code: 'ECONNRESET' }, true],
    ['POST', { kind: 'network', code: 'ECONNRESET' }, false],
    ['POST', { kind: 'network', code: 'ETIMEDOUT' }, false],
    ['POST', { kind: 'network', code: 'ECONNREFUSED' }, true],
  ] as const)('%s after %j: %s', (method, failure, expected) => {
    expect(shouldRetry(method, failure)).toBe(expected);
  });
});
