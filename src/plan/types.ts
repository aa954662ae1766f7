/** The plan: plain, versioned data that renderers print and apply executes. */
import type { RemoteWebhook, WebhookSpec } from '../webhook.js';

/** One field that differs between the account and the manifest. */
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

/** Something a reviewer should know that is not itself a change. */
export interface PlanWarning {
  code: string;
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

/** The JSON plan, format version 1 (schemas/plan.schema.json). */
export interface Plan {
  format_version: 1;
  manifest: { path: string; sha256: string };
  remote: { api_url: string; fingerprint: string; count: number };
  summary: { create: number; update: number; delete: number; unchanged: number; unmanaged: number };
  changes: Change[];
  unmanaged: UnmanagedWebhook[];
  warnings: PlanWarning[];
  /** Present when apply must be given `--force`: why the plan is unsafe. */
  unsafe?: string[];
}
