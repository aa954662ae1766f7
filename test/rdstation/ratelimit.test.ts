import { describe, expect, it } from '@jest/globals';
import { tokenBucket } from '../../src/rdstation/ratelimit.js';

function fakeTime() {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe('tokenBucket', () => {
  it('lets a tenth of the limit through at once, then paces the rest', async () => {
    const time = fakeTime();
    const bucket = tokenBucket(120, time);
    const start = time.now();
    for (let i = 0; i < 12; i++) await bucket.take();
    expect(time.now()).toBe(start);
    await bucket.take();
    expect(time.now()).toBeGreaterThan(start);
  });

  it('never allows more than the limit in any 60-second window', async () => {
    const time = fakeTime();
    const limit = 30;
    const bucket = tokenBucket(limit, time);
    const stamps: number[] = [];
    for (let i = 0; i < 200; i++) {
      await bucket.take();
      stamps.push(time.now());
    }
    for (let i = 0; i < stamps.length; i++) {
      const inWindow = stamps.filter((s) => s >= (stamps[i] as number) && s < (stamps[i] as number) + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(limit);
    }
  });

  it('serves concurrent callers one token each', async () => {
    const time = fakeTime();
    const bucket = tokenBucket(10, time);
    await Promise.all(Array.from({ length: 5 }, () => bucket.take()));
    expect(time.now()).toBeGreaterThan(1_000_000);
  });

  it('refuses a non-positive limit', () => {
    expect(() => tokenBucket(0)).toThrow(RangeError);
  });
});
