/** What changed in an account between two listings, in words. Pure. */
import { diffFields } from '../plan/diff.js';
import { webhookLabel, type RemoteWebhook } from '../shared/webhook.js';

/** Lines shown past this many are counted instead. */
const MAX_LINES = 10;

/**
 * One line per webhook added, deleted or changed (its request fields or its status) between `before` and
 * `after`, by uuid; at most MAX_LINES, then a count of the rest. Empty when nothing apply cares about changed.
 */
export function describeListingChange(before: readonly RemoteWebhook[], after: readonly RemoteWebhook[]): string[] {
  const then = new Map(before.map((w) => [w.uuid, w]));
  const now = new Map(after.map((w) => [w.uuid, w]));
  const lines: string[] = [];
  for (const w of after) if (!then.has(w.uuid)) lines.push(`added: ${w.uuid} (${webhookLabel(w)})`);
  for (const w of before) if (!now.has(w.uuid)) lines.push(`deleted: ${w.uuid} (${webhookLabel(w)})`);
  for (const w of after) {
    const old = then.get(w.uuid);
    if (!old) continue;
    const fields = diffFields(old, w).map((f) => `${f.path} ${JSON.stringify(f.before)} -> ${JSON.stringify(f.after)}`);
    if ((old.status ?? 'active') !== (w.status ?? 'active')) fields.push(`status ${old.status ?? 'active'} -> ${w.status ?? 'active'}`);
    if (old.platform_account_id !== w.platform_account_id) fields.push('listed under another account id');
    if (fields.length > 0) lines.push(`changed: ${w.uuid} (${webhookLabel(old)}): ${fields.join(', ')}`);
  }
  return lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `and ${lines.length - MAX_LINES} more`] : lines;
}
