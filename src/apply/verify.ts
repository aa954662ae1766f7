/** Checking a fresh listing against what a plan promised. Pure. */
import { diffFields } from '../plan/diff.js';
import type { Change } from '../plan/types.js';
import { identityKey, type RemoteWebhook } from '../webhook.js';

/** The changes whose result the listing does not show: a deleted uuid still listed, a write not in place. */
export function unfulfilledChanges(changes: readonly Change[], listing: readonly RemoteWebhook[]): Change[] {
  const byUuid = new Map(listing.map((w) => [w.uuid, w]));
  return changes.filter((c) => {
    switch (c.action) {
      case 'delete':
        return byUuid.has(c.uuid);
      case 'update': {
        const now = byUuid.get(c.uuid);
        return !now || diffFields(now, c.after).length > 0;
      }
      case 'create':
        return !listing.some((w) => identityKey(w) === identityKey(c.after) && diffFields(w, c.after).length === 0);
    }
  });
}
