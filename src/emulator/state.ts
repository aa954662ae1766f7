/** The emulator's state file: RD's list body plus the account id, written atomically so a crash never truncates it. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../shared/errors.js';
import { parseJsonLossless, stringifyWithLargeIds, type WireWebhook } from '../rdstation/wire.js';

/** What the state file holds. */
export interface EmulatorState {
  version: 1;
  platform_account_id?: string;
  webhooks: WireWebhook[];
}

/** Reads webhooks from a JSON file shaped like RD's list body, `{"webhooks": [...]}`; undefined when it does not exist. */
export async function readWebhooksFile(file: string): Promise<{ webhooks: WireWebhook[]; platform_account_id?: string } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let data: unknown;
  try {
    data = parseJsonLossless(text);
  } catch (err) {
    throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`, 'Fix or delete the file; it holds {"webhooks": [...]} like RD\'s list body.');
  }
  const webhooks = (data as { webhooks?: unknown } | null)?.webhooks;
  if (!Array.isArray(webhooks) || webhooks.some((w) => typeof w !== 'object' || w === null)) {
    throw new UserError(`${file} has no "webhooks" array of objects.`, 'Write it like RD\'s list body: {"webhooks": [{"event_type": "…", "url": "…", …}]}.');
  }
  const id = (data as { platform_account_id?: unknown }).platform_account_id;
  return { webhooks: webhooks as WireWebhook[], ...(typeof id === 'string' ? { platform_account_id: id } : {}) };
}

/** Writes the state: a temporary file beside the target, then a rename, which replaces it atomically. */
export async function writeState(file: string, state: EmulatorState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${stringifyWithLargeIds(state, 2)}\n`, 'utf8');
  await rename(tmp, file);
}
