/** The emulator's state file: RD's list body plus the account id, written atomically so a crash never truncates it. */
import { constants } from 'node:fs';
import { mkdir, open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../shared/errors.js';
import { parseJsonLossless, stringifyWithLargeIds, type WireWebhook } from '../rdstation/wire.js';
import { wireWebhookProblem } from './store.js';

/** What the state file holds. */
export interface EmulatorState {
  version: 1;
  platform_account_id?: string;
  webhooks: WireWebhook[];
}

/** What a webhooks file is to the emulator: its state (rewritten as it runs), or a seed (read once). */
export type WebhooksFileKind = 'state' | 'seed';

/** What to do about a file that cannot be used, by kind. */
function remedy(file: string, kind: WebhooksFileKind): string {
  return kind === 'state'
    ? `It is the emulator's state file: fix it, or delete ${file} to start over (the emulator writes a new one).`
    : `Fix ${file}: a seed holds RD's list body, {"webhooks": [{"event_type": "…", "url": "…"}, …]}.`;
}

function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}

/** What a non-regular file is, for the message. */
function describeType(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'a device';
}

/**
 * Opens a file for reading only if it is a regular file: opened without blocking (a FIFO would otherwise wait for
 * a writer forever) and checked on the open handle, so nothing can swap it in between. Undefined when missing.
 */
async function openRegular(file: string, kind: WebhooksFileKind): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    // Nothing is there (ENOTDIR: a parent is a file): writing the state will say why it cannot be created.
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw new UserError(`Cannot read the emulator ${kind} file ${file} (${errnoOf(err)}).`, remedy(file, kind));
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    const instead =
      kind === 'state'
        ? `Remove ${file} (the emulator then writes a new state file there), or keep the state at another path.`
        : `A seed is a JSON file holding RD's list body, {"webhooks": [...]}: point the emulator at one.`;
    throw new UserError(`The emulator ${kind} file ${file} is ${describeType(stats)}, not a file.`, instead);
  }
  return handle;
}

/** Why `data` is not `{"webhooks": [...]}` of webhook objects (plus an optional version 1 and account id). */
function shapeProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'it is not a JSON object';
  const o = data as Record<string, unknown>;
  if (o.version !== undefined && o.version !== 1) return `"version" is ${JSON.stringify(o.version)}; this emulator reads version 1`;
  const id = o.platform_account_id;
  if (id !== undefined && !(typeof id === 'string' && /^\d+$/.test(id))) return '"platform_account_id" is not a number';
  if (!Array.isArray(o.webhooks)) return 'it has no "webhooks" array';
  for (const [i, w] of o.webhooks.entries()) {
    const problem = wireWebhookProblem(w);
    if (problem) return `webhooks[${i}] ${problem}`;
  }
  return undefined;
}

/**
 * Reads webhooks from a JSON file shaped like RD's list body, `{"webhooks": [...]}`; undefined when it does not
 * exist. Anything else that keeps it from being used (not a regular file, unreadable, not JSON, another shape)
 * is a UserError naming the file and what to do.
 */
export async function readWebhooksFile(file: string, kind: WebhooksFileKind = 'seed'): Promise<{ webhooks: WireWebhook[]; platform_account_id?: string } | undefined> {
  const handle = await openRegular(file, kind);
  if (!handle) return undefined;
  let text: string;
  try {
    text = await handle.readFile('utf8');
  } catch (err) {
    throw new UserError(`Cannot read the emulator ${kind} file ${file} (${errnoOf(err)}).`, remedy(file, kind));
  } finally {
    await handle.close();
  }
  let data: unknown;
  try {
    data = parseJsonLossless(text);
  } catch (err) {
    throw new UserError(`The emulator ${kind} file ${file} is not valid JSON: ${(err as Error).message}`, remedy(file, kind));
  }
  const problem = shapeProblem(data);
  if (problem) throw new UserError(`The emulator ${kind} file ${file} is not RD's list body: ${problem}.`, remedy(file, kind));
  const { webhooks, platform_account_id: id } = data as { webhooks: WireWebhook[]; platform_account_id?: string };
  return { webhooks, ...(id === undefined ? {} : { platform_account_id: id }) };
}

/** Writes the state: a temporary file beside the target, then a rename, which replaces it atomically. */
export async function writeState(file: string, state: EmulatorState): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, `${stringifyWithLargeIds(state, 2)}\n`, 'utf8');
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new UserError(`Cannot write the emulator state file ${file} (${errnoOf(err)}).`, 'Choose a path in a writable directory for the state file.');
  }
}
