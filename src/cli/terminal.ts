/** The terminal side of apply: the prompt, the progress line, and Ctrl-C turned into an AbortSignal. */
import { createInterface } from 'node:readline/promises';
import type { ActionReport } from '../apply/execute.js';
import { actionLine } from '../render/report.js';
import { InterruptedError, UserError } from '../shared/errors.js';
import { EXIT } from './command.js';
import type { Io } from './io.js';

/** The question apply asks. */
export const PROMPT = "Apply these changes? Only 'yes' is accepted: ";

/**
 * Asks on the terminal; resolves true only for `yes`. Without a terminal it refuses (CI must say --auto-approve);
 * the end of input (Ctrl-D) is a no; an interrupt (Ctrl-C) at the prompt ends the run, nothing changed.
 */
export async function confirmOnTerminal(io: Io, signal: AbortSignal): Promise<boolean> {
  if (io.stdin.isTTY !== true) {
    throw new UserError('Refusing to apply without confirmation: there is no terminal to ask on; nothing was changed.', 'Review the plan above, then pass --auto-approve to apply it non-interactively.');
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  // question() never settles when input ends first (Ctrl-D): an end of input is a refusal.
  const ended = new Promise<undefined>((resolve) => rl.once('close', () => resolve(undefined)));
  const interrupted = new Promise<'interrupted'>((resolve) => signal.addEventListener('abort', () => resolve('interrupted'), { once: true }));
  try {
    const answer = await Promise.race([rl.question(`\n${PROMPT}`), ended, interrupted]);
    if (answer === 'interrupted') throw new InterruptedError('\nInterrupted at the prompt; nothing was changed.');
    return answer?.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** Writes one progress line per finished write: a live counter on a terminal, a line each otherwise. */
export function progressPrinter(io: Io, showSensitive: boolean): { onAction(a: ActionReport, finished: number, total: number): void; end(): void } {
  const live = io.stderr.isTTY === true;
  let counted = false;
  return {
    onAction(a, finished, total) {
      counted = true;
      // The report says why a write failed; progress only that it did, so no failure is printed twice.
      const line = actionLine(a, { showSensitive, withoutMessage: true });
      io.stderr.write(live ? `\r\x1b[K[${finished}/${total}] ${line}` : `[${finished}/${total}] ${line}\n`);
    },
    end() {
      // The live counter rewrites one line; end it so what follows starts on its own.
      if (live && counted) io.stderr.write('\n');
    },
  };
}

/**
 * Runs `work` with SIGINT/SIGTERM turned into an abort: the first lets writes in flight finish and starts no more
 * (saying so once `writing()` is true), a second exits at once.
 */
export async function withInterrupts<T>(io: Io, work: (signal: AbortSignal) => Promise<T>, writing: () => boolean): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      io.stderr.write(`\nSecond ${signal}: exiting now. Writes in flight may or may not have happened; run rdhooks plan to see the account.\n`);
      process.exit(EXIT.interrupted);
    }
    if (writing()) io.stderr.write(`\n${signal}: finishing the writes in flight, starting no more (press Ctrl-C again to exit at once).\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
