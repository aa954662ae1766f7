/** The JSON plan: the versioned contract of design.md, described by schemas/plan.schema.json. */
import { PLAN_FORMAT_VERSION, type Change, type FieldChange, type Finding, type Plan, type PlanWarning, type UnmanagedWebhook } from '../plan/types.js';
import type { RemoteWebhook, WebhookSpec } from '../shared/webhook.js';
import { maskUrl, maskUrlsIn } from '../shared/url.js';
import type { RenderOptions } from './redactor.js';
import { escapeUnsafeJson } from '../shared/text.js';

/** A field change as JSON carries it: `sensitive` says masking hid part of before or after. */
export interface JsonFieldChange extends FieldChange {
  sensitive?: true;
}

/**
 * The plan as pretty JSON with a final newline: planDocument's, with control and bidi characters written as \u
 * escapes (not stripped, since this is data), so a terminal shows them inertly.
 */
export function renderJson(plan: Plan, options: RenderOptions = {}): string {
  return `${escapeUnsafeJson(JSON.stringify(planDocument(plan, options), null, 2))}\n`;
}

/**
 * The plan as the JSON document holds it. Objects are rebuilt field by field, so the document holds only what the
 * schema names, in a fixed key order; URL credentials are masked unless showSensitive.
 */
export function planDocument(plan: Plan, options: RenderOptions = {}): Plan {
  const show = options.showSensitive === true;
  const url = (v: string): string => (show ? v : maskUrl(v));
  const text = (v: string): string => (show ? v : maskUrlsIn(v));

  const spec = (s: WebhookSpec): WebhookSpec => ({
    event_type: s.event_type,
    entity_type: s.entity_type,
    url: url(s.url),
    http_method: s.http_method,
    event_identifiers: [...s.event_identifiers],
    include_relations: [...s.include_relations],
  });
  const remote = (r: RemoteWebhook): RemoteWebhook => ({
    uuid: r.uuid,
    ...spec(r),
    ...(r.status !== undefined ? { status: r.status } : {}),
    ...(r.source !== undefined ? { source: r.source } : {}),
    ...(r.created_at !== undefined ? { created_at: r.created_at } : {}),
    ...(r.updated_at !== undefined ? { updated_at: r.updated_at } : {}),
    ...(r.platform_account_id !== undefined ? { platform_account_id: r.platform_account_id } : {}),
  });
  const field = (f: FieldChange): JsonFieldChange => {
    if (f.path !== 'url' || typeof f.before !== 'string' || typeof f.after !== 'string') {
      return { path: f.path, before: f.before, after: f.after };
    }
    const before = url(f.before);
    const after = url(f.after);
    return { path: f.path, before, after, ...(before !== f.before || after !== f.after ? { sensitive: true } : {}) };
  };
  const change = (c: Change): Change => {
    const head = { address: text(c.address) };
    switch (c.action) {
      case 'create':
        return { action: c.action, ...head, reason: text(c.reason), after: spec(c.after) };
      case 'update':
        return {
          action: c.action,
          ...head,
          uuid: c.uuid,
          reason: text(c.reason),
          wave: c.wave,
          before: remote(c.before),
          after: spec(c.after),
          fields: c.fields.map(field),
        };
      case 'delete':
        return { action: c.action, ...head, uuid: c.uuid, reason: text(c.reason), before: remote(c.before) };
      case 'replace':
        return { action: c.action, ...head, uuid: c.uuid, reason: text(c.reason), before: remote(c.before), after: spec(c.after), fields: c.fields.map(field) };
    }
  };
  const finding = (f: Finding): Finding => ({ code: f.code, address: text(f.address), uuid: f.uuid, url: url(f.url), message: text(f.message) });
  const unmanaged = (u: UnmanagedWebhook): UnmanagedWebhook => ({
    uuid: u.uuid,
    event_type: u.event_type,
    url: url(u.url),
    ignored: u.ignored,
  });
  const warning = (w: PlanWarning): PlanWarning => ({
    code: w.code,
    ...(w.address !== undefined ? { address: text(w.address) } : {}),
    message: text(w.message),
  });

  return {
    format_version: PLAN_FORMAT_VERSION,
    sensitive_values: show ? 'shown' : 'masked',
    manifest: { path: plan.manifest.path, sha256: plan.manifest.sha256 },
    remote: { api_url: url(plan.remote.api_url), account: plan.remote.account, fingerprint: plan.remote.fingerprint, count: plan.remote.count },
    request: { replace: plan.request.replace.map(text), target: plan.request.target.map(text) },
    summary: { ...plan.summary },
    changes: plan.changes.map(change),
    findings: plan.findings.map(finding),
    unmanaged: plan.unmanaged.map(unmanaged),
    warnings: plan.warnings.map(warning),
    ...(plan.unsafe && plan.unsafe.length > 0 ? { unsafe: plan.unsafe.map(text) } : {}),
  };
}
