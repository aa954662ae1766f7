import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { hangGuard } from '../../test/helpers/timing.js';
import { tempDirs } from '../../test/helpers/tmp.js';
import { FileRefusedError, readRegularFile } from './files.js';

const tempDir = tempDirs('files');


async function refusal(path: string, maxBytes = 1024): Promise<unknown> {
  try {
    await hangGuard(readRegularFile(path, maxBytes));
  } catch (err) {
    return err instanceof FileRefusedError ? { code: err.code, kind: err.kind, message: err.message } : err;
  }
  return 'read';
}

describe('readRegularFile', () => {
  it('reads a regular file, through a symlink too, up to exactly the limit', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'f'), 'x'.repeat(100));
    await symlink(join(dir, 'f'), join(dir, 'link'));
    expect((await readRegularFile(join(dir, 'f'), 100)).toString()).toBe('x'.repeat(100));
    expect((await readRegularFile(join(dir, 'link'), 100)).length).toBe(100);
    expect((await readRegularFile(join(dir, 'f'), 1_000_000)).length).toBe(100);
  });

  it('refuses a file over the limit', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'f'), 'x'.repeat(101));
    expect(await refusal(join(dir, 'f'), 100)).toEqual({ code: 'EFBIG', kind: 'file', message: 'is larger than 100 bytes' });
  });

  it('refuses a directory', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'd'));
    expect(await refusal(join(dir, 'd'))).toEqual({ code: 'EISDIR', kind: 'directory', message: 'is a directory, not a file' });
  });

  it('refuses a FIFO at once, with no writer on the other end', async () => {
    const dir = await tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(await refusal(join(dir, 'pipe'))).toEqual({ code: 'ENOTREG', kind: 'fifo', message: 'is a FIFO (named pipe), not a file' });
  });

  it('refuses a character device that never ends (/dev/zero)', async () => {
    expect(await refusal('/dev/zero')).toEqual({ code: 'ENOTREG', kind: 'device', message: 'is a device, not a file' });
  });

  it('refuses a socket', async () => {
    const dir = await tempDir();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'sock'), resolve));
    try {
      expect(await refusal(join(dir, 'sock'))).toEqual({ code: 'ENOTREG', kind: 'socket', message: 'is a socket, not a file' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("leaves other failures as Node's own errors", async () => {
    const dir = await tempDir();
    await expect(readRegularFile(join(dir, 'nope'), 10)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
