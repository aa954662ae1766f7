/**
 * Env files (`KEY=value` lines): where `auth exchange --credentials-file` keeps credentials for local runs, and
 * where a rotated refresh token is written back. Read bounded, from regular files only; written atomically, 0600.
 */
import { resolve } from 'node:path';
import { readRegularFile } from './files.js';
import { writeOutputFile } from './write-file.js';

/** An env file is a handful of lines; anything bigger is the wrong file. */
const MAX_ENV_FILE_BYTES = 64 * 1024;

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

/** The variables of an env file's text: `KEY=value`, optional `export `, `#` comments, values optionally quoted. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const m = LINE.exec(line);
    if (!m?.[1]) continue;
    const raw = m[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(raw);
    vars[m[1]] = quoted ? (quoted[2] ?? '') : raw.replace(/\s+#.*$/, '');
  }
  return vars;
}

/** The variables of the env file at `path`, or undefined when it does not exist. */
export async function readEnvFile(path: string): Promise<Record<string, string> | undefined> {
  try {
    return parseEnvFile((await readRegularFile(path, MAX_ENV_FILE_BYTES)).toString('utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Sets `values` in the env file at `path` (created if missing), keeping its other lines and comments; the file is
 * replaced atomically and left readable by its owner only, since it holds secrets.
 */
export async function writeEnvValues(path: string, values: Record<string, string>, shownAs: string): Promise<void> {
  let text = '';
  try {
    text = (await readRegularFile(path, MAX_ENV_FILE_BYTES)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pending = new Map(Object.entries(values));
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const updated = lines.map((line) => {
    const key = LINE.exec(line)?.[1];
    if (key === undefined || !pending.has(key) || /^\s*#/.test(line)) return line;
    const value = pending.get(key) as string;
    pending.delete(key);
    return `${key}=${value}`;
  });
  for (const [key, value] of pending) updated.push(`${key}=${value}`);
  await writeOutputFile(resolve(path), `${updated.join('\n')}\n`, { shownAs, mode: 0o600 });
}
