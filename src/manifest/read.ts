/** Reading a manifest file: a regular file only, bounded, text-only, hashed. The only file I/O of the manifest layer. */
import { createHash } from 'node:crypto';
import { FileRefusedError, readRegularFile } from '../shared/files.js';
import { escapeControl } from '../shared/text.js';
import type { Diagnostic } from './types.js';

/** Manifests are small; anything bigger is a mistake (or an attack) and is refused before parsing. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A manifest's text and the sha256 of its bytes, or the one reason it could not be read. */
export type ReadResult = { ok: true; text: string; sha256: string } | { ok: false; diagnostic: Diagnostic };

/** Reads `absPath` (reported as `file`); never throws. */
export async function readManifestFile(absPath: string, path: string): Promise<ReadResult> {
  // `path` is reported as given; messages echo it terminal-safe.
  const file = escapeControl(path);
  const fail = (code: string, message: string): ReadResult => ({
    ok: false,
    diagnostic: { file: path, line: 1, column: 1, severity: 'error', code, message },
  });
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(absPath, MAX_MANIFEST_BYTES);
  } catch (err) {
    return fail(...describeReadError(err, file));
  }
  if (bytes.includes(0)) {
    return fail('binary-file', `${file} is binary, not YAML text. Check that this is the right file.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('binary-file', `${file} is not UTF-8 text. Save it as UTF-8.`);
  }
  if (text.trim() === '') {
    return fail('empty-file', `${file} is empty. Start from examples/minimal.yaml: it needs at least "version: 1".`);
  }
  return { ok: true, text, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function describeReadError(err: unknown, file: string): [string, string] {
  if (err instanceof FileRefusedError) {
    switch (err.code) {
      case 'EISDIR':
        // "dir/" names the same directory as "dir": the suggestion must not read "dir//webhooks.yaml".
        return ['file-unreadable', `${file} is a directory; pass the manifest file inside it, e.g. ${file.replace(/\/+$/, '')}/webhooks.yaml`];
      case 'ENOTREG':
        return [
          'not-a-file',
          `${file} ${err.message}; rdhooks reads a manifest only from a regular file, never a pipe or a device. Save it to a file and pass that path.`,
        ];
      case 'EFBIG':
        return [
          'file-too-large',
          `${file} is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB; a webhooks manifest is a few KiB. Check that this is the right file.`,
        ];
    }
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return [
        'file-not-found',
        `${file} does not exist. Create it (examples/minimal.yaml is a start) or pass the manifest's path: rdhooks validate path/to/webhooks.yaml`,
      ];
    case 'EACCES':
    case 'EPERM':
      return ['file-unreadable', `${file} cannot be read: permission denied. Check the file's permissions.`];
    default:
      return ['file-unreadable', `${file} cannot be read (${code ?? (err instanceof Error ? err.message : String(err))}).`];
  }
}
