/**
 * The ledger of webhooks rdhooks replaced (`.rdhooks/replaced.json`): a replace gives a webhook a new uuid, so a
 * manifest pinning the old one is stale. The ledger lets the next plan say so and `pin` update the pin, knowing
 * rdhooks made the change (not someone by hand).
 */
import { resolve } from 'node:path';
import type { ActionReport } from '../apply/execute.js';
import { readRegularFile } from '../shared/files.js';
import { writeOutputFile } from '../shared/write-file.js';
import type { Io } from './io.js';
import { ensureStateDir } from './state-dir.js';

/** Where the ledger lives, relative to the working directory. */
export const LEDGER_FILE = '.rdhooks/replaced.json';

interface Entry {
  old: string;
  new: string;
  address: string;
  at: string;
}

async function entries(io: Io): Promise<Entry[]> {
  try {
    const doc = JSON.parse((await readRegularFile(resolve(io.cwd, LEDGER_FILE), 4 * 1024 * 1024)).toString('utf8')) as { replaced?: unknown };
    return Array.isArray(doc.replaced) ? doc.replaced.filter((e): e is Entry => typeof e?.old === 'string' && typeof e?.new === 'string') : [];
  } catch {
    // Missing or unreadable: it only adds knowledge, so without it pin and plan behave as they always did.
    return [];
  }
}

/** The uuids rdhooks replaced, old → new (a chain of replaces leads to the last one). */
export async function readReplacements(io: Io): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const e of await entries(io)) map.set(e.old, e.new);
  for (const [old] of map) {
    let next = map.get(old);
    for (let hops = 0; next !== undefined && map.has(next) && hops < map.size; hops++) next = map.get(next);
    if (next !== undefined) map.set(old, next);
  }
  return map;
}

/** Adds the replaces of a run to the ledger; a failure to write it is a warning. */
export async function recordReplacements(actions: readonly ActionReport[], io: Io): Promise<void> {
  const at = new Date().toISOString();
  const added = actions.flatMap((a) => (a.replacedUuid && a.uuid ? [{ old: a.replacedUuid, new: a.uuid, address: a.address, at }] : []));
  if (added.length === 0) return;
  try {
    await ensureStateDir(io.cwd);
    const text = `${JSON.stringify({ version: 1, replaced: [...(await entries(io)), ...added] }, null, 2)}\n`;
    await writeOutputFile(resolve(io.cwd, LEDGER_FILE), text, { shownAs: LEDGER_FILE });
  } catch (err) {
    io.stderr.write(`warning: could not record the replaced uuids in ${LEDGER_FILE}: ${(err as Error).message}\n`);
  }
}
