/**
 * Reading a file the user names, safely: only a regular file, at most a given size, without ever blocking.
 * A FIFO or a terminal would block a read forever, /dev/zero would never end, and a directory is a mistake.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** What a path is, in the words a message uses. */
export type FileKind = 'file' | 'directory' | 'fifo' | 'device' | 'socket' | 'other';

/** Why `readRegularFile` refused a path: not a regular file (`ENOTREG`), a directory (`EISDIR`), too big (`EFBIG`). */
export class FileRefusedError extends Error {
  override readonly name = 'FileRefusedError';
  constructor(
    readonly code: 'ENOTREG' | 'EISDIR' | 'EFBIG',
    /** What the path is; `file` for EFBIG. */
    readonly kind: FileKind,
    /** The size limit the read was given. */
    readonly maxBytes: number,
  ) {
    super(code === 'EFBIG' ? `is larger than ${maxBytes} bytes` : describeKind(kind));
  }
}

/**
 * The bytes of the regular file at `absPath`, at most `maxBytes` of them. Refuses, with a FileRefusedError and
 * without blocking, a path that is not a regular file (checked before opening, and again on the open handle, so a
 * file swapped for a FIFO in between is caught) or that holds more than `maxBytes`. Other failures (ENOENT,
 * EACCES…) reject with Node's own error.
 */
export async function readRegularFile(absPath: string, maxBytes: number): Promise<Buffer> {
  refuseUnlessRegular(await stat(absPath), maxBytes);
  // O_NONBLOCK: opening a FIFO for reading waits for a writer; this open must not.
  const handle = await open(absPath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const { size } = refuseUnlessRegular(await handle.stat(), maxBytes);
    // Read up to one byte past the limit, so a file that grew since the stat is still caught.
    const chunks: Buffer[] = [];
    let total = 0;
    let want = size + 1;
    while (total <= maxBytes) {
      const chunk = Buffer.alloc(Math.min(want, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      want = 64 * 1024;
    }
    if (total > maxBytes) throw new FileRefusedError('EFBIG', 'file', maxBytes);
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

function refuseUnlessRegular(stats: Stats, maxBytes: number): Stats {
  const kind = kindOf(stats);
  if (kind === 'directory') throw new FileRefusedError('EISDIR', kind, maxBytes);
  if (kind !== 'file') throw new FileRefusedError('ENOTREG', kind, maxBytes);
  if (stats.size > maxBytes) throw new FileRefusedError('EFBIG', kind, maxBytes);
  return stats;
}

/** What `stats` describe. */
export function kindOf(stats: Stats): FileKind {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'device';
  if (stats.isSocket()) return 'socket';
  return 'other';
}

/** A path of each kind, in words: "a FIFO (named pipe)". */
export const KIND_NOUN: Readonly<Record<FileKind, string>> = {
  file: 'a file',
  directory: 'a directory',
  fifo: 'a FIFO (named pipe)',
  device: 'a device',
  socket: 'a socket',
  other: 'not a regular file',
};

/** What a path of this kind is, as the end of a sentence starting with the path: "is a FIFO (named pipe), not a file". */
export function describeKind(kind: FileKind): string {
  if (kind === 'file') return 'is a file';
  return kind === 'other' ? 'is not a regular file' : `is ${KIND_NOUN[kind]}, not a file`;
}
