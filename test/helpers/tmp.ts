/** Temporary directories for tests, removed after each test of the file that asks for them. */
import { afterEach } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Returns a function making a fresh `rdhooks-<prefix>-*` directory; all of them go after each test. */
export function tempDirs(prefix: string): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  return async () => {
    const d = await mkdtemp(join(tmpdir(), `rdhooks-${prefix}-`));
    dirs.push(d);
    return d;
  };
}
