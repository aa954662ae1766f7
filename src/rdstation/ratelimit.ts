/** A client-side token bucket, so rdhooks stays under RD Station's per-minute limit instead of provoking 429s. */

/** A clock and a sleep, injectable so tests do not wait. */
export interface Timing {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Real time. */
export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A rate limiter: `take()` resolves when one more request may start. */
export interface RateLimiter {
  take(): Promise<void>;
}

/**
 * A token bucket for `perMinute` requests. A plain bucket of capacity N refilled at N/min lets 2N through in one
 * minute (a full bucket, then a minute of refill); a server counting N per sliding minute would answer 429. So the
 * burst is a tenth of N and the refill is the rest: no 60-second window ever sees more than N.
 */
export function tokenBucket(perMinute: number, timing: Timing = realTiming): RateLimiter {
  if (!(perMinute > 0)) throw new RangeError('rate limit must be positive');
  const capacity = Math.max(1, Math.floor(perMinute / 10));
  const refillPerMs = Math.max(perMinute - capacity, 1) / 60_000;
  let tokens = capacity;
  let last = timing.now();
  let queue: Promise<void> = Promise.resolve();

  const refill = (): void => {
    const now = timing.now();
    tokens = Math.min(capacity, tokens + (now - last) * refillPerMs);
    last = now;
  };

  const takeOne = async (): Promise<void> => {
    refill();
    while (tokens < 1) {
      await timing.sleep(Math.ceil((1 - tokens) / refillPerMs));
      refill();
    }
    tokens -= 1;
  };

  return {
    // Callers queue so that concurrent requests are served in order and never share a token.
    take() {
      const next = queue.then(takeOne);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
