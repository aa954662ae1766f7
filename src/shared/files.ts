/** Reading files users name: regular files only, bounded, and never a read that can block forever. */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/** What a path is, in words, when it is not a regular file. */
export function describeFileType(s: Stats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refusal(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * The bytes of the regular file at `absPath`, at most `maxBytes`. Refuses (an error with `code` EISDIR, ENOTREG or
 * EFBIG and a message saying what the path is) a directory, FIFO, device or socket, and a larger file, without
 * blocking: the path is checked before it is opened (opening a FIFO waits for a writer), opened non-blocking, and
 * checked again through the handle, so a swap in between is caught too.
 */
export async function readRegularFile(absPath: string, maxBytes: number): Promise<Buffer> {
  const check = (s: Stats): void => {
    const what = describeFileType(s);
    if (what !== undefined) throw refusal(s.isDirectory() ? 'EISDIR' : 'ENOTREG', `is ${what}, not a file`);
    if (s.size > maxBytes) throw refusal('EFBIG', `is larger than ${maxBytes} bytes`);
  };
  check(await stat(absPath));
  const handle = await open(absPath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    check(await handle.stat());
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > maxBytes) throw refusal('EFBIG', `is larger than ${maxBytes} bytes`);
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}
