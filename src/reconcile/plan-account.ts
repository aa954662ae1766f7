/** Planning one account: check whose it is, list it once, plan. */
import type { Manifest } from '../manifest/types.js';
import { planWebhooks } from '../plan/plan.js';
import type { Plan, PlanError } from '../plan/types.js';
import type { RemoteWebhook } from '../shared/webhook.js';
import { nameAndListing, type AccountSession } from './session.js';

/** A plan and the listing it was made from (apply compares the account against it before writing). */
export interface PlannedAccount {
  plan: Plan;
  listing: RemoteWebhook[];
}

/** A plan, or every reason no plan can be made. API failures are thrown (ApiError); a wrong account is WrongAccountError. */
export type PlanAccountResult = ({ ok: true } & PlannedAccount) | { ok: false; errors: PlanError[]; listing: RemoteWebhook[] };

/** Options of planAccount. */
export interface PlanAccountOptions {
  manifest: Manifest;
  session: AccountSession;
  /** Called once the account is listed, with how many webhooks it has (progress for the terminal). */
  onListed?: (count: number) => void;
}

/**
 * Asks RD which account the credentials belong to (refusing another one than `manifest.account`), lists its
 * webhooks once, and plans.
 */
export async function planAccount({ manifest, session, onListed }: PlanAccountOptions): Promise<PlanAccountResult> {
  const expected = manifest.account === undefined ? undefined : { name: manifest.account, source: `${manifest.path} (account:)` };
  const { account, listing } = await nameAndListing(session, expected);
  onListed?.(listing.length);
  const result = planWebhooks(manifest, listing, { apiUrl: session.apiUrl, account });
  return result.ok ? { ok: true, plan: result.plan, listing } : { ok: false, errors: result.errors, listing };
}
