/** The field diff between what the account has and what the manifest wants, as our own FieldChange records. */
import deepDiff from 'deep-diff';
import { canonicalUrl } from '../shared/url.js';
import { normalizeSpec, SPEC_FIELDS, type WebhookSpec } from '../shared/webhook.js';
import type { FieldChange } from './types.js';

/** Only the request fields of a webhook, normalized: what a PUT would send. */
export function specOf(webhook: WebhookSpec): WebhookSpec {
  return normalizeSpec({
    event_type: webhook.event_type,
    entity_type: webhook.entity_type,
    url: webhook.url,
    http_method: webhook.http_method,
    event_identifiers: webhook.event_identifiers,
    include_relations: webhook.include_relations,
  });
}

/**
 * The fields that differ, one record per top-level field in SPEC_FIELDS order. Both sides are normalized first,
 * so sets compare as sets and a missing array equals an empty one; deep-diff's per-index array records are
 * folded into one change holding the whole before and after set, from which renderers show added and removed.
 */
export function diffFields(before: WebhookSpec, after: WebhookSpec): FieldChange[] {
  const lhs = specOf(before);
  const rhs = specOf(after);
  const changed = new Set<string>();
  // URLs compare in canonical form, so a spelling RD rewrites (or keeps) is never a change.
  const comparable = (s: WebhookSpec): WebhookSpec => ({ ...s, url: canonicalUrl(s.url) });
  for (const d of deepDiff.diff(comparable(lhs), comparable(rhs)) ?? []) {
    const top: unknown = d.path?.[0];
    if (typeof top === 'string') changed.add(top);
  }
  return SPEC_FIELDS.filter((f) => changed.has(f)).map((f) => ({ path: f, before: lhs[f], after: rhs[f] }));
}
