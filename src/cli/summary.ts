/** `--summary-file`: append Markdown to a file, by default the GitHub Actions job summary. */
import type { Io } from './io.js';

/** The file to append to: --summary-file, else $GITHUB_STEP_SUMMARY, else none. */
export function summaryTarget(argv: Record<string, unknown>, io: Io): string | undefined {
  if (typeof argv['summary-file'] === 'string' && argv['summary-file'] !== '') return argv['summary-file'];
  const env = io.env.GITHUB_STEP_SUMMARY;
  return env && env.trim() !== '' ? env : undefined;
}

/** Appends the Markdown `render()` makes to the summary file, when there is one; a failure is a warning, not an error. */
export async function appendSummary(argv: Record<string, unknown>, io: Io, render: () => Promise<string>): Promise<void> {
  const target = summaryTarget(argv, io);
  if (!target) return;
  const [{ appendFile }, { resolve }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  try {
    await appendFile(resolve(io.cwd, target), `${await render()}\n`, 'utf8');
  } catch (err) {
    io.stderr.write(`warning: could not append the summary to ${target}: ${(err as Error).message}\n`);
  }
}
