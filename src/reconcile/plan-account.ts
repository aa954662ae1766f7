/** Planning one account: check whose it is, list it once, probe targets when asked, plan. */
import type { Manifest } from '../manifest/types.js';
import { planWebhooks, type PlanRequest } from '../plan/plan.js';
import type { Plan, PlanError } from '../plan/types.js';
import type { RemoteWebhook } from '../shared/webhook.js';
import { checkAccount, nameAndListing, type AccountListing, type AccountSession, type ExpectedAccount } from './session.js';
import { failingTargets, targetsToCheck, type CheckTargets, type TargetProbe } from './target-check.js';

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
  /** --replace and --target addresses. */
  replace?: readonly string[];
  target?: readonly string[];
  /** Webhooks rdhooks replaced earlier (old uuid → new), so a stale pin on one says so. */
  replaced?: ReadonlyMap<string, string>;
  /** Probe targets before planning: those the plan writes (`changed`), or every managed one (`all`). */
  checkTargets?: CheckTargets;
  /** The prober; the real one (src/targets) by default. */
  probe?: TargetProbe;
  /**
   * The account's name and listing, when the caller started asking for them already (while the manifest was being
   * read, so the network and the parse overlap); asked now otherwise.
   */
  fetched?: Promise<AccountListing>;
  /** The account the credentials must belong to, when another than the manifest's `account:` says (a workspace). */
  expected?: ExpectedAccount;
  /** Called once the account is listed, with how many webhooks it has (progress for the terminal). */
  onListed?: (count: number) => void;
  /** Called before targets are probed, with how many. */
  onProbing?: (count: number) => void;
}

/**
 * Asks RD which account the credentials belong to (refusing another one than `manifest.account`), lists its
 * webhooks once, probes targets when asked (a target failing its probe is a plan error for a webhook this plan
 * writes, a finding for one it leaves), and plans.
 */
export async function planAccount(options: PlanAccountOptions): Promise<PlanAccountResult> {
  const { manifest, session } = options;
  const expected = options.expected ?? (manifest.account === undefined ? undefined : { name: manifest.account, source: `${manifest.path} (account:)` });
  const { account, listing } = await (options.fetched ?? nameAndListing(session));
  checkAccount(account, expected);
  options.onListed?.(listing.length);
  const request: PlanRequest = { replace: options.replace ?? [], target: options.target ?? [], ...(options.replaced ? { replaced: options.replaced } : {}) };
  const plan = (extra: Partial<PlanRequest> = {}) => planWebhooks(manifest, listing, { apiUrl: session.apiUrl, account }, { ...request, ...extra });
  let result = plan();
  const mode = options.checkTargets ?? (manifest.targets.check ? 'changed' : undefined);
  if (result.ok && mode !== undefined) {
    const urls = targetsToCheck(result.plan, manifest, mode);
    if (urls.length > 0) {
      options.onProbing?.(urls.length);
      result = plan({ failingTargets: await failingTargets(urls, manifest, options.probe) });
    }
  }
  return result.ok ? { ok: true, plan: result.plan, listing } : { ok: false, errors: result.errors, listing };
}
