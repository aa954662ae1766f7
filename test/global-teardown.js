/** Removes the suite's code cache directory (test/global-setup.js). */
import { rmSync } from 'node:fs';

export default function globalTeardown() {
  if (process.env.RDHOOKS_TEST_CACHE_HOME) rmSync(process.env.RDHOOKS_TEST_CACHE_HOME, { recursive: true, force: true });
}
