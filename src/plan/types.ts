/** The plan: plain, versioned data that renderers print and apply executes. */
import type { SourcePosition } from '../manifest/types.js';
import type { RemoteWebhook, WebhookSpec } from '../shared/webhook.js';

/** One field that differs between the account and the manifest; sets hold their whole sorted value. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** A webhook to create: `after` is what will be sent. */
export interface CreateChange {
  action: 'create';
  address: string;
  reason: string;
  after: WebhookSpec;
}

/** A webhook to PUT: `before` is what the account has, `after` the whole object that will be sent. */
export interface UpdateChange {
  action: 'update';
  address: string;
  uuid: string;
  reason: string;
  /**
   * When this update may run. RD refuses two webhooks with one (event_type, url) at any instant, so an update
   * moving onto the key another update vacates must wait for it: apply finishes every update of wave n before
   * starting wave n+1. Updates that move onto nobody's key are wave 0 and may run concurrently.
   */
  wave: number;
  before: RemoteWebhook;
  after: WebhookSpec;
  fields: FieldChange[];
}

/** A webhook to delete: `before` is what the account has. */
export interface DeleteChange {
  action: 'delete';
  address: string;
  uuid: string;
  reason: string;
  before: RemoteWebhook;
}

/**
 * A webhook to delete and create again (-/+): `before` is what the account has, `after` what the create sends.
 * Apply deletes it with the deletes and creates it with the creates, so no key is taken twice; the new webhook
 * has a new uuid. For a webhook RD suspended (a PUT does not reactivate it), or one named by --replace.
 */
export interface ReplaceChange {
  action: 'replace';
  address: string;
  uuid: string;
  reason: string;
  before: RemoteWebhook;
  after: WebhookSpec;
  /** The fields that differ besides; empty when it comes back as it was. */
  fields: FieldChange[];
}

/** One write (or, for a replace, a pair of writes) apply will make. */
export type Change = CreateChange | UpdateChange | DeleteChange | ReplaceChange;

/**
 * Something wrong with the account that this plan does not fix, which a drift check must still report: the plan is
 * not clean while there is one (`--detailed-exitcode` exits 2).
 */
export interface Finding {
  code: 'webhook_suspended' | 'target_failing';
  address: string;
  uuid: string;
  url: string;
  message: string;
}

/** Stable codes of the warnings a plan can carry. */
export type PlanWarningCode = 'webhook_suspended' | 'insecure_url' | 'duplicate_in_account' | 'stale_uuid';

/** Something a reviewer should know that is not itself a change. */
export interface PlanWarning {
  code: PlanWarningCode;
  message: string;
  address?: string;
}

/** A listed webhook no entry matches and the plan leaves alone. */
export interface UnmanagedWebhook {
  uuid: string;
  event_type: string;
  url: string;
  /** True when an `ignore` rule covers it. */
  ignored: boolean;
}

/** The version of the JSON plan this rdhooks writes and reads; bumped on any incompatible change. */
export const PLAN_FORMAT_VERSION = 2;

/** The JSON plan (schemas/plan.schema.json). */
export interface Plan {
  format_version: typeof PLAN_FORMAT_VERSION;
  /**
   * In the JSON document only: whether URL credentials are whole (`shown`) or replaced by `***` (`masked`).
   * apply --plan refuses a masked plan, which would write `***` into the account.
   */
  sensitive_values?: 'masked' | 'shown';
  manifest: { path: string; sha256: string };
  /** The account listed: its API, its name (GET /marketing/account_info), and a fingerprint of the listing. */
  remote: { api_url: string; account: string; fingerprint: string; count: number };
  /** What was asked beyond the manifest: webhooks to replace, and (a partial plan) the only entries to plan. */
  request: { replace: string[]; target: string[] };
  summary: { create: number; update: number; delete: number; replace: number; unchanged: number; unmanaged: number; findings: number };
  /** Deletes, replaces, updates (by wave), creates; each group by address. Apply runs them in that order. */
  changes: Change[];
  findings: Finding[];
  unmanaged: UnmanagedWebhook[];
  warnings: PlanWarning[];
  /** Present when apply must be given `--force`: why the plan is unsafe. */
  unsafe?: string[];
}

/** Stable codes of the problems that make a plan impossible. */
export type PlanErrorCode = 'matched_twice' | 'duplicate_key' | 'update_cycle' | 'empty_prune' | 'unknown_address' | 'target_blocked' | 'target_failing';

/** A manifest entry or listed webhook a plan error is about. */
export interface PlanErrorSubject {
  address: string;
  uuid?: string;
  /** Where the entry is in the manifest; absent for a listed webhook no entry names. */
  source?: SourcePosition;
}

/** Why no plan can be made: what is wrong, naming every entry involved, and how to fix it. */
export interface PlanError {
  code: PlanErrorCode;
  message: string;
  hint: string;
  subjects: PlanErrorSubject[];
}

/** What planning yields: a plan, or every reason there is none. */
export type PlanResult = { ok: true; plan: Plan } | { ok: false; errors: PlanError[] };
