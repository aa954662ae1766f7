/** The fingerprint of an account listing: apply --plan's check that the account has not changed since the plan. */
import { createHash } from 'node:crypto';
import type { RemoteWebhook } from '../shared/webhook.js';
import { specOf } from './diff.js';
import { compareText } from './order.js';

/**
 * `sha256:` and the hex sha256 of the listing's canonical JSON. It covers what decides the plan: each uuid, its
 * request fields (normalized, so set order and missing arrays do not count) and its status (a suspension changes
 * the plan's warnings), and the account it belongs to (platform_account_id), so a plan made on one account
 * never applies to another. created_at, updated_at and source are left out: they change nothing apply does,
 * and a touch that alters only updated_at should not make a saved plan stale.
 */
export function fingerprint(remote: readonly RemoteWebhook[]): string {
  const rows = remote
    .map((r) => ({ uuid: r.uuid, json: listingRow(r) }))
    .sort((a, b) => compareText(a.uuid, b.uuid) || compareText(a.json, b.json))
    .map((r) => r.json);
  return `sha256:${createHash('sha256').update(`[${rows.join(',')}]`).digest('hex')}`;
}

/**
 * canonicalJson({uuid, status, account, ...specOf(r)}) written out in that sorted key order: the same text without
 * sorting nine keys per webhook, which a listing of thousands would otherwise do.
 */
function listingRow(r: RemoteWebhook): string {
  const s = specOf(r);
  const json = JSON.stringify;
  return (
    `{"account":${json(r.platform_account_id ?? null)},"entity_type":${json(s.entity_type)},"event_identifiers":${json(s.event_identifiers)},` +
    `"event_type":${json(s.event_type)},"http_method":${json(s.http_method)},"include_relations":${json(s.include_relations)},` +
    `"status":${json(r.status ?? null)},"url":${json(s.url)},"uuid":${json(r.uuid)}}`
  );
}

/** JSON with object keys sorted at every level, so equal data always hashes alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareText(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
