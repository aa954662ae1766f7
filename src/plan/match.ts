/** Matching manifest entries to listed webhooks: by pinned uuid first, then by (event_type, url). */
import type { AbsentEntry, DesiredWebhook, Manifest } from '../manifest/types.js';
import { identityKey, webhookLabel, type RemoteWebhook } from '../shared/webhook.js';
import { describeSubject } from './errors.js';
import { compareText } from './order.js';
import type { PlanError } from './types.js';

/** A present entry and the listed webhook it manages, if any. */
export interface PresentMatch {
  desired: DesiredWebhook;
  remote?: RemoteWebhook;
  /** The entry pins a uuid the account does not list. */
  staleUuid: boolean;
}

/** Who owns which listed webhook. */
export interface Matching {
  present: PresentMatch[];
  /** Listed webhooks an `ensure: absent` entry names. */
  absent: { entry: AbsentEntry; remote: RemoteWebhook }[];
  /** Listed webhooks no entry matches: unmanaged. */
  unmatched: RemoteWebhook[];
  errors: PlanError[];
}

type Claimant = { address: string; uuid?: string; source: DesiredWebhook['source'] };

/**
 * Pins claim first, so an entry keyed by (event_type, url) only considers webhooks no pin took: a pinned entry
 * may move its webhook away while another entry takes over the old url. A desired entry whose pin is stale
 * falls back to its (event_type, url), adopting a webhook recreated by hand instead of colliding with it; an
 * absent entry's stale pin does not fall back, since deleting is not the way to guess. Listed duplicates of one
 * key go to a desired entry active-first, then by uuid, and all go to an absent entry naming that key.
 */
export function matchEntries(manifest: Pick<Manifest, 'webhooks' | 'absent'>, remote: readonly RemoteWebhook[]): Matching {
  const byUuid = new Map<string, RemoteWebhook>();
  const byKey = new Map<string, RemoteWebhook[]>();
  for (const r of remote) {
    // The loader lower-cases pinned uuids; RD's are lower-case too, but nothing documents it.
    if (!byUuid.has(r.uuid.toLowerCase())) byUuid.set(r.uuid.toLowerCase(), r);
    const key = identityKey(r);
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  for (const list of byKey.values()) list.sort(preferActive);

  const claims = new Map<string, Claimant[]>();
  const claim = (r: RemoteWebhook, who: Claimant): void => {
    claims.set(r.uuid, [...(claims.get(r.uuid) ?? []), who]);
  };

  const present: PresentMatch[] = manifest.webhooks.map((desired) => {
    const pinned = desired.uuid === undefined ? undefined : byUuid.get(desired.uuid.toLowerCase());
    return { desired, remote: pinned, staleUuid: desired.uuid !== undefined && pinned === undefined };
  });
  const absent: Matching['absent'] = [];
  for (const entry of manifest.absent) {
    const pinned = entry.uuid === undefined ? undefined : byUuid.get(entry.uuid.toLowerCase());
    if (pinned) absent.push({ entry, remote: pinned });
  }
  for (const m of present) if (m.remote) claim(m.remote, m.desired);
  for (const a of absent) claim(a.remote, a.entry);
  const pinnedUuids = new Set(claims.keys());
  const unpinned = (key: string): RemoteWebhook[] => (byKey.get(key) ?? []).filter((r) => !pinnedUuids.has(r.uuid));

  for (const m of present) {
    if (m.remote) continue;
    m.remote = unpinned(identityKey(m.desired))[0];
    if (m.remote) claim(m.remote, m.desired);
  }
  for (const entry of manifest.absent) {
    if (entry.uuid !== undefined || entry.event_type === undefined || entry.url === undefined) continue;
    for (const r of unpinned(identityKey({ event_type: entry.event_type, url: entry.url }))) {
      absent.push({ entry, remote: r });
      claim(r, entry);
    }
  }

  const errors: PlanError[] = [];
  for (const [uuid, who] of claims) {
    if (who.length < 2) continue;
    const r = byUuid.get(uuid.toLowerCase()) as RemoteWebhook;
    errors.push({
      code: 'matched_twice',
      message:
        `The listed webhook ${uuid} (${webhookLabel(r)}) is matched by ${who.length} entries: ` +
        `${who.map(describeSubject).join(', ')}.`,
      hint: 'A listed webhook belongs to one entry: remove or merge the others, or pin each entry to a different webhook with `uuid:`.',
      subjects: who.map((w) => ({ address: w.address, uuid, source: w.source })),
    });
  }
  return { present, absent, unmatched: remote.filter((r) => !claims.has(r.uuid)), errors };
}

/** Among listed duplicates, the one an entry adopts: an active one, then the lowest uuid. */
function preferActive(a: RemoteWebhook, b: RemoteWebhook): number {
  return Number(isSuspended(a)) - Number(isSuspended(b)) || compareText(a.uuid, b.uuid);
}

/** RD suspends a webhook whose target keeps failing; a missing status (older responses) means active. */
export function isSuspended(r: RemoteWebhook): boolean {
  return r.status !== undefined && r.status !== 'active';
}
