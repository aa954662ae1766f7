/**
 * Writing files users name (`--out`, `--summary-file`, `export --out`): into a regular file or a new one, through a
 * symbolic link to a regular file; never replacing a link, FIFO, device or directory with a regular file, and
 * never blocking on one.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from './errors.js';
import { KIND_NOUN, kindOf } from './files.js';
import { escapeControl } from './text.js';

/** How to write. */
export interface WriteOptions {
  /** The path as the user gave it, for messages. */
  shownAs: string;
  /** Permissions of a new file, and of a replaced one (files holding secrets stay the owner's). */
  mode?: number;
  /** Add to the end instead of replacing (a job summary). */
  append?: boolean;
  /** Refuse when the file exists. */
  exclusive?: boolean;
}

/** A path rdhooks will not write to, or could not. */
export class OutputFileError extends UserError {
  override readonly name = 'OutputFileError';
}

/**
 * Writes `content` to `absPath`. A replaced file is swapped in atomically (a temporary file beside it, then a
 * rename), so a reader never sees half of it; a link is followed and its target replaced.
 */
export async function writeOutputFile(absPath: string, content: string, options: WriteOptions): Promise<void> {
  const name = escapeControl(options.shownAs);
  const target = await writableTarget(absPath, name);
  if (target.exists && options.exclusive) {
    throw new OutputFileError(`${name} already exists; it was not overwritten.`, 'Pass --force to overwrite it, or choose another file.');
  }
  try {
    if (options.append) await appendTo(target.path, content, options.mode);
    else await replace(target.path, content, options.mode);
  } catch (err) {
    if (err instanceof OutputFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OutputFileError(`cannot write ${name}: ${code}.`, 'Check that its folder exists and is writable.');
  }
}

/** The file to write: the path itself, or the regular file a link points to. */
async function writableTarget(absPath: string, name: string): Promise<{ path: string; exists: boolean }> {
  const link = await lstat(absPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw new OutputFileError(`cannot write ${name}: ${err.code ?? err.message}.`, 'Check the path.');
  });
  if (link === undefined) return { path: absPath, exists: false };
  if (!link.isSymbolicLink()) {
    if (kindOf(link) !== 'file') throw new OutputFileError(`${name} is ${KIND_NOUN[kindOf(link)]}; rdhooks writes only to regular files.`, 'Choose a file path.');
    return { path: absPath, exists: true };
  }
  const resolved = await realpath(absPath).catch(() => undefined);
  const kind = resolved === undefined ? undefined : kindOf(await stat(resolved));
  if (resolved === undefined || kind !== 'file') {
    throw new OutputFileError(`${name} is a link to ${kind === undefined ? 'nothing' : KIND_NOUN[kind]}; rdhooks writes only to regular files.`, 'Choose a file path.');
  }
  return { path: resolved, exists: true };
}

async function replace(path: string, content: string, mode?: number): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.rdhooks.tmp`);
  try {
    await writeFile(tmp, content, { mode: mode ?? 0o644, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    // The temporary file may hold whole URLs: never leave it behind.
    await rm(tmp, { force: true });
    throw err;
  }
}

async function appendTo(path: string, content: string, mode?: number): Promise<void> {
  // Non-blocking, so a FIFO swapped in after the check cannot hold the run; checked again through the handle.
  const handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK, mode ?? 0o644);
  try {
    if (!(await handle.stat()).isFile()) throw new OutputFileError(`${path} is not a regular file.`, 'Choose a file path.');
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
}
