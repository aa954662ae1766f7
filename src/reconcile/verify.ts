/** After apply: list again and check that the account is what was asked. */
import { unfulfilledChanges, type Verification } from '../apply/verify.js';
import type { Manifest } from '../manifest/types.js';
import { planWebhooks } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import type { AccountSession } from './session.js';


/** Lists again: with a manifest, re-plans and expects no changes; without, checks each change of the plan took effect. */
export async function verifyApplied(plan: Plan, manifest: Manifest | undefined, session: AccountSession): Promise<Verification> {
  let listing;
  try {
    listing = await session.api.list();
  } catch (err) {
    return { verified: 'skipped', reason: `listing the account again failed (${(err as Error).message}); run rdhooks plan to check it` };
  }
  let remaining = unfulfilledChanges(plan.changes, listing);
  if (manifest) {
    const replanned = planWebhooks(manifest, listing, { apiUrl: session.apiUrl, account: plan.remote.account });
    if (!replanned.ok) {
      return { verified: 'skipped', reason: `the account can no longer be planned (${replanned.errors[0]?.message ?? 'plan error'}); run rdhooks plan to see why` };
    }
    // The re-plan finds what still differs; the plan's own writes are checked too, for duplicates it cannot see.
    const again = new Set(replanned.plan.changes.map((c) => c.address));
    remaining = [...replanned.plan.changes, ...remaining.filter((c) => !again.has(c.address))];
  }
  return remaining.length === 0 ? { verified: true, against: manifest ? 'manifest' : 'saved plan' } : { verified: false, remaining };
}
