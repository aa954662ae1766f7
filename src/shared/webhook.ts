/** The webhook vocabulary shared by the manifest, the API client, the planner and the renderers. */
import { canonicalUrl } from './url.js';

/** Event types RD Station accepts for a webhook. */
export const EVENT_TYPES = [
  'WEBHOOK.CONVERTED',
  'WEBHOOK.MARKED_OPPORTUNITY',
  'crm_deal_created',
  'crm_deal_updated',
  'crm_deal_deleted',
] as const;

/** Relations RD Station can include in a delivery. */
export const RELATIONS = ['COMPANY', 'CONTACT_FUNNEL'] as const;

/** The only event type that takes `event_identifiers`. */
export const CONVERSION_EVENT = 'WEBHOOK.CONVERTED';

/** The fields a request sets, in the order plans show them. */
export const SPEC_FIELDS = [
  'event_type',
  'url',
  'entity_type',
  'http_method',
  'event_identifiers',
  'include_relations',
] as const;

/**
 * The fields of a webhook a request can set, normalized: strings trimmed, sets sorted and de-duplicated,
 * a missing array empty. Remote event types are plain strings because RD may add new ones.
 */
export interface WebhookSpec {
  event_type: string;
  entity_type: string;
  url: string;
  http_method: string;
  event_identifiers: string[];
  include_relations: string[];
}

/** A webhook as the account lists it: the spec plus the fields only the server sets. */
export interface RemoteWebhook extends WebhookSpec {
  uuid: string;
  status?: string;
  source?: string;
  created_at?: string;
  updated_at?: string;
  /** Kept as the text received: the documented value exceeds Number.MAX_SAFE_INTEGER. */
  platform_account_id?: string;
}

/**
 * The key RD keeps unique across an account, with the url in canonical form: two spellings of one URL are one
 * key, whichever of them RD stores.
 */
export function identityKey(w: Pick<WebhookSpec, 'event_type' | 'url'>): string {
  return `${w.event_type} ${canonicalUrl(w.url)}`;
}

/** How plans name a webhook that has no entry name: `event_type url`, the url as written. */
export function webhookLabel(w: Pick<WebhookSpec, 'event_type' | 'url'>): string {
  return `${w.event_type} ${w.url}`;
}

/** A set as rdhooks stores it: trimmed, de-duplicated, sorted. */
export function normalizeSet(values: readonly string[] | undefined | null): string[] {
  if (!values) return [];
  // Sets are mostly normalized already (each spec passes here more than once): a strictly ascending list of
  // trimmed values is its own normal form, and checking that costs less than building a Set and sorting.
  if (values.every((v, i) => v === v.trim() && (i === 0 || values[i - 1]! < v))) return values.slice();
  return [...new Set(values.map((v) => v.trim()))].sort();
}

/** The spec with defaults filled in and sets normalized; identifiers only for conversions. */
export function normalizeSpec(spec: Partial<WebhookSpec> & Pick<WebhookSpec, 'event_type' | 'url'>): WebhookSpec {
  const eventType = spec.event_type.trim();
  return {
    event_type: eventType,
    entity_type: spec.entity_type?.trim() || 'CONTACT',
    url: spec.url.trim(),
    http_method: spec.http_method?.trim() || 'POST',
    // Only conversions take identifiers, and requests send none for other events: any listed would be noise.
    event_identifiers: eventType === CONVERSION_EVENT ? normalizeSet(spec.event_identifiers) : [],
    include_relations: normalizeSet(spec.include_relations),
  };
}
