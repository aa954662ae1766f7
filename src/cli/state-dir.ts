/** `.rdhooks/`: where rdhooks keeps local state (emulator accounts, credentials, the replace ledger), never committed. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The folder, relative to the working directory. */
export const STATE_DIR = '.rdhooks';

/** Creates `.rdhooks/` with a `.gitignore` that ignores everything in it, so no secret there is ever committed. */
export async function ensureStateDir(cwd: string): Promise<string> {
  const dir = resolve(cwd, STATE_DIR);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return dir;
}
