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

/** One write apply will make. */
export type Change = CreateChange | UpdateChange | DeleteChange;

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
  summary: { create: number; update: number; delete: number; unchanged: number; unmanaged: number };
  /** Deletes, then updates (by wave), then creates; each group by address. Apply runs them in that order. */
  changes: Change[];
  unmanaged: UnmanagedWebhook[];
  warnings: PlanWarning[];
  /** Present when apply must be given `--force`: why the plan is unsafe. */
  unsafe?: string[];
}

/** Stable codes of the problems that make a plan impossible. */
export type PlanErrorCode = 'matched_twice' | 'duplicate_key' | 'update_cycle' | 'empty_prune';

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
