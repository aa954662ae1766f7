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
  return diffSpecs(specOf(before), specOf(after));
}

/**
 * diffFields of two specs already normalized (as specOf returns them), for the planner, which normalizes each
 * webhook once. Most pairs are equal: the fields are compared directly, and deep-diff runs only for a pair that
 * differs, to build its report.
 */
export function diffSpecs(lhs: WebhookSpec, rhs: WebhookSpec): FieldChange[] {
  if (sameSpec(lhs, rhs)) return [];
  const changed = new Set<string>();
  // URLs compare in canonical form, so a spelling RD rewrites (or keeps) is never a change.
  const comparable = (s: WebhookSpec): WebhookSpec => ({ ...s, url: canonicalUrl(s.url) });
  for (const d of deepDiff.diff(comparable(lhs), comparable(rhs)) ?? []) {
    const top: unknown = d.path?.[0];
    if (typeof top === 'string') changed.add(top);
  }
  return SPEC_FIELDS.filter((f) => changed.has(f)).map((f) => ({ path: f, before: lhs[f], after: rhs[f] }));
}

/** Whether deep-diff would find no difference between two normalized specs (URLs in canonical form). */
function sameSpec(a: WebhookSpec, b: WebhookSpec): boolean {
  return (
    a.event_type === b.event_type &&
    a.entity_type === b.entity_type &&
    a.http_method === b.http_method &&
    sameList(a.event_identifiers, b.event_identifiers) &&
    sameList(a.include_relations, b.include_relations) &&
    (a.url === b.url || canonicalUrl(a.url) === canonicalUrl(b.url))
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
