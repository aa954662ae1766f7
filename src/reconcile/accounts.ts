/** Running the same work on several accounts at once: a bounded pool, and each account's outcome as data. */
import { InterruptedError } from '../shared/errors.js';
import { runPool } from '../shared/pool.js';

/** How one account's work ended: its value, or the error it failed with (one account's failure is no one else's). */
export type AccountOutcome<T> = { name: string; ok: true; value: T } | { name: string; ok: false; error: Error };

/** Options of runAccounts. */
export interface RunAccountsOptions {
  /** Accounts worked on at once; a whole number, 1 or more. */
  parallel: number;
  /** Aborting starts no further account; those already started finish (their work sees the signal if it takes it). */
  signal?: AbortSignal;
}

/**
 * Runs `work` for each account, at most `parallel` at a time, and resolves to one outcome per account in the
 * accounts' order, whatever order they finish in. A failure, thrown or rejected, becomes that account's outcome and
 * never stops or fails the others; an account not started because `signal` aborted fails with an InterruptedError.
 * `onDone` hears each outcome as it comes (progress): a throw from it is ignored, as it is not the account's failure.
 */
export async function runAccounts<A extends { name: string }, T>(
  accounts: readonly A[],
  options: RunAccountsOptions,
  work: (account: A) => Promise<T>,
  onDone?: (outcome: AccountOutcome<T>, finished: number, total: number) => void,
): Promise<AccountOutcome<T>[]> {
  if (!Number.isInteger(options.parallel) || options.parallel < 1) throw new RangeError(`parallel must be a whole number, 1 or more, not ${options.parallel}`);
  const outcomes: (AccountOutcome<T> | undefined)[] = accounts.map(() => undefined);
  let finished = 0;
  await runPool(
    accounts.map((account, index) => ({ account, index })),
    options.parallel,
    async ({ account, index }) => {
      let outcome: AccountOutcome<T>;
      try {
        outcome = { name: account.name, ok: true, value: await work(account) };
      } catch (err) {
        outcome = { name: account.name, ok: false, error: err instanceof Error ? err : new Error(String(err)) };
      }
      outcomes[index] = outcome;
      finished += 1;
      try {
        onDone?.(outcome, finished, accounts.length);
      } catch {
        // Progress is best effort: a failing report (a closed stderr) must not cost the other accounts their run.
      }
    },
    options.signal,
  );
  return outcomes.map(
    (outcome, i) => outcome ?? { name: (accounts[i] as A).name, ok: false, error: new InterruptedError('Not started: the run was interrupted before this account.') },
  );
}
