/**
 * Builds dist/ once before the suite (`npm run build`), so CLI tests run the bundled binary a user would run; and
 * gives the suite's CLI runs a code cache of their own (XDG_CACHE_HOME, inherited by the test workers), so that
 * tests neither write into the user's cache directory nor depend on what is already there.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup() {
  execFileSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
  process.env.RDHOOKS_TEST_CACHE_HOME = mkdtempSync(join(tmpdir(), 'rdhooks-test-cache-'));
}
