import { describe, expect, it } from '@jest/globals';
import { runAccounts, type AccountOutcome } from '../../src/reconcile/accounts.js';
import { InterruptedError } from '../../src/shared/errors.js';
import { hangGuard } from '../helpers/timing.js';

const accounts = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `a${i}` }));

/** Work whose every call waits until the test releases it, counting how many are running at once. */
function gatedWork() {
  const gates = new Map<string, () => void>();
  let running = 0;
  let peak = 0;
  const started: string[] = [];
  const work = async (a: { name: string }): Promise<string> => {
    started.push(a.name);
    running += 1;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => gates.set(a.name, resolve));
    running -= 1;
    return a.name.toUpperCase();
  };
  /** Resolves once the call for `name` has started (fails after a while if it never does). */
  const waitStarted = async (name: string) => {
    const deadline = Date.now() + 10_000;
    while (!gates.has(name)) {
      if (Date.now() > deadline) throw new Error(`${name} never started`);
      await new Promise((r) => setImmediate(r));
    }
  };
  /** Releases, as soon as each has started, the calls of `names` in that order. */
  const release = async (names: string[]) => {
    for (const name of names) {
      await waitStarted(name);
      gates.get(name)!();
    }
  };
  return { work, release, waitStarted, started, peak: () => peak };
}

describe('runAccounts', () => {
  it('runs at most `parallel` accounts at once, and that many when there are enough', async () => {
    for (const parallel of [1, 3, 4]) {
      const g = gatedWork();
      const list = accounts(10);
      const done = runAccounts(list, { parallel }, g.work);
      await g.release(list.map((a) => a.name));
      await hangGuard(done);
      expect([parallel, g.peak()]).toEqual([parallel, parallel]);
    }
  });

  it('keeps the accounts\' order in the outcomes whatever order they finish in', async () => {
    const g = gatedWork();
    const list = accounts(4);
    const done = runAccounts(list, { parallel: 4 }, g.work);
    await g.release(['a3', 'a1', 'a2', 'a0']);
    expect(await hangGuard(done)).toEqual(list.map((a) => ({ name: a.name, ok: true, value: a.name.toUpperCase() })));
  });

  it('makes a failure, thrown or rejected with anything, the outcome of that account alone', async () => {
    const outcomes = await runAccounts(accounts(5), { parallel: 2 }, async (a) => {
      if (a.name === 'a1') throw new Error('wrong credentials');
      if (a.name === 'a3') return Promise.reject('a string');
      return a.name;
    });
    expect(outcomes.map((o) => (o.ok ? ['ok', o.name, o.value] : ['failed', o.name, o.error.message]))).toEqual([
      ['ok', 'a0', 'a0'],
      ['failed', 'a1', 'wrong credentials'],
      ['ok', 'a2', 'a2'],
      ['failed', 'a3', 'a string'],
      ['ok', 'a4', 'a4'],
    ]);
  });

  it('reports each outcome as it comes, and a throwing report stops nothing', async () => {
    const heard: [string, number, number][] = [];
    const outcomes = await runAccounts(accounts(3), { parallel: 1 }, async (a) => a.name, (o: AccountOutcome<string>, finished, total) => {
      heard.push([o.name, finished, total]);
      throw new Error('stderr closed');
    });
    expect(heard).toEqual([['a0', 1, 3], ['a1', 2, 3], ['a2', 3, 3]]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('starts no account once aborted: none when aborted before, the rest when aborted during', async () => {
    const before = new AbortController();
    before.abort();
    let calls = 0;
    const none = await runAccounts(accounts(3), { parallel: 2, signal: before.signal }, async () => void calls++);
    expect(calls).toBe(0);
    expect(none.map((o) => [o.name, !o.ok && o.error instanceof InterruptedError])).toEqual([['a0', true], ['a1', true], ['a2', true]]);

    const during = new AbortController();
    const g = gatedWork();
    const done = runAccounts(accounts(6), { parallel: 2, signal: during.signal }, g.work);
    await g.release(['a0']);
    await g.waitStarted('a2');
    during.abort();
    await g.release(['a1', 'a2']);
    const outcomes = await hangGuard(done);
    // a2 took a0's place before the abort; nothing started after it.
    expect(g.started).toEqual(['a0', 'a1', 'a2']);
    expect(outcomes.map((o) => (o.ok ? 'done' : o.error.name))).toEqual(['done', 'done', 'done', 'InterruptedError', 'InterruptedError', 'InterruptedError']);
  });

  it('refuses a parallelism that is not a whole number from 1', async () => {
    for (const parallel of [0, -1, 1.5, Number.NaN]) {
      await expect(runAccounts(accounts(1), { parallel }, async () => 1)).rejects.toThrow(RangeError);
    }
  });
});
