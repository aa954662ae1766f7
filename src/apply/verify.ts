/** Checking a fresh listing against what a plan promised. Pure. */
import { diffFields } from '../plan/diff.js';
import type { Change } from '../plan/types.js';
import { identityKey, type RemoteWebhook } from '../shared/webhook.js';

/** Whether the account was listed again after the run and matched what was asked. */
export type Verification =
  | { verified: true; against: 'manifest' | 'saved plan' }
  | { verified: false; remaining: Pick<Change, 'action' | 'address'>[] }
  | { verified: 'skipped'; reason: string };

/**
 * The changes whose result the listing does not show: a deleted uuid still listed, a write not in place, or a
 * write whose (event_type, url) is now listed twice (a create that landed twice would send every lead twice).
 */
export function unfulfilledChanges(changes: readonly Change[], listing: readonly RemoteWebhook[]): Change[] {
  const byUuid = new Map(listing.map((w) => [w.uuid, w]));
  const holders = new Map<string, number>();
  for (const w of listing) holders.set(identityKey(w), (holders.get(identityKey(w)) ?? 0) + 1);
  return changes.filter((c) => {
    if (c.action === 'delete') return byUuid.has(c.uuid);
    if ((holders.get(identityKey(c.after)) ?? 0) > 1) return true;
    if (c.action === 'update') {
      const now = byUuid.get(c.uuid);
      return !now || diffFields(now, c.after).length > 0;
    }
    return !listing.some((w) => identityKey(w) === identityKey(c.after) && diffFields(w, c.after).length === 0);
  });
}
