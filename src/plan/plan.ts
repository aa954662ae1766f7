/** The planner: manifest and account listing in, a Plan out. Pure: no I/O, no clock. */
import { matchesIgnoreRule } from '../manifest/ignore.js';
import type { DesiredWebhook, Manifest } from '../manifest/types.js';
import { identityKey, webhookLabel, type RemoteWebhook, type WebhookSpec } from '../shared/webhook.js';
import { findCollisions, type FinalWebhook } from './collisions.js';
import { diffFields, specOf } from './diff.js';
import { fingerprint } from './fingerprint.js';
import { isSuspended, matchEntries } from './match.js';
import { compareChanges, compareText } from './order.js';
import { emptyPruneError, unsafeReasons } from './safety.js';
import { PLAN_FORMAT_VERSION, type Change, type Plan, type PlanError, type PlanResult, type PlanWarning, type UnmanagedWebhook, type UpdateChange } from './types.js';
import {
  absentNotFoundWarning,
  compareWarnings,
  duplicateWarnings,
  insecureUrlWarning,
  staleUuidWarning,
  suspendedWarning,
} from './warnings.js';
import { orderMoves, type Move } from './waves.js';

/** Facts about where the listing came from, recorded in the plan. */
export interface PlanMeta {
  apiUrl: string;
  /** The account's name, as RD's account_info gives it. */
  account: string;
}

/** The reasons a change can carry, fixed so tests and readers can rely on them. */
export const REASONS = {
  absent: 'ensure: absent in the manifest',
  prune: 'not in the manifest, and prune is on',
  create: 'not in the account',
  update: 'fields differ',
} as const;

/** Plans the writes that make the account equal the manifest, or returns every reason no plan can be made. */
export function planWebhooks(manifest: Manifest, remote: readonly RemoteWebhook[], meta: PlanMeta): PlanResult {
  const errors: PlanError[] = [];
  const emptyPrune = emptyPruneError(manifest);
  if (emptyPrune) errors.push(emptyPrune);
  const matching = matchEntries(manifest, remote);
  if (matching.errors.length > 0) return { ok: false, errors: [...errors, ...matching.errors] };

  const changes: Change[] = [];
  const warnings: PlanWarning[] = [];
  const finals: FinalWebhook[] = [];
  const moves: { move: Move; change: UpdateChange }[] = [];
  let unchanged = 0;

  for (const { desired, remote: listed, staleUuid } of matching.present) {
    const r = listed && normalized(listed);
    const after = specOf(desired);
    const subject = { address: desired.address, uuid: r?.uuid ?? desired.uuid, source: desired.source };
    if (staleUuid) warnings.push(staleUuidWarning(desired, r));
    const insecure = insecureUrlWarning(desired);
    if (insecure) warnings.push(insecure);
    if (!r) {
      changes.push({ action: 'create', address: desired.address, reason: createReason(desired, staleUuid), after });
      finals.push({ key: identityKey(after), subject, moved: true });
      continue;
    }
    if (isSuspended(r)) warnings.push(suspendedWarning(desired.address, r));
    const moved = identityKey(after) !== identityKey(r);
    finals.push({ key: identityKey(after), subject, moved });
    const fields = diffFields(r, after);
    if (fields.length === 0) {
      unchanged += 1;
      continue;
    }
    const change: UpdateChange = {
      action: 'update',
      address: desired.address,
      uuid: r.uuid,
      reason: updateReason(r, after),
      wave: 0,
      before: r,
      after,
      fields,
    };
    changes.push(change);
    if (moved) moves.push({ move: { subject, from: identityKey(r), to: identityKey(after) }, change });
  }

  for (const { entry, remote: r } of matching.absent) {
    const before = normalized(r);
    changes.push({ action: 'delete', address: entry.address, uuid: r.uuid, reason: REASONS.absent, before });
  }
  for (const entry of manifest.absent) {
    if (entry.uuid !== undefined && !matching.absent.some((a) => a.entry === entry)) warnings.push(absentNotFoundWarning(entry));
  }

  const unmanaged: UnmanagedWebhook[] = [];
  let pruneDeletes = 0;
  for (const r of matching.unmatched) {
    const ignored = manifest.ignore.some((rule) => matchesIgnoreRule(rule, r));
    if (manifest.prune && !ignored) {
      const before = normalized(r);
      changes.push({ action: 'delete', address: webhookLabel(r), uuid: r.uuid, reason: REASONS.prune, before });
      pruneDeletes += 1;
      continue;
    }
    unmanaged.push({ uuid: r.uuid, event_type: r.event_type, url: r.url, ignored });
    finals.push({ key: identityKey(r), subject: { address: webhookLabel(r), uuid: r.uuid }, moved: false });
    if (isSuspended(r)) warnings.push(suspendedWarning(webhookLabel(r), r));
  }
  warnings.push(...duplicateWarnings(remote));

  errors.push(...findCollisions(finals));
  const ordered = orderMoves(moves.map((m) => m.move));
  moves.forEach((m, i) => (m.change.wave = ordered.waves[i] ?? 0));
  errors.push(...ordered.errors);
  if (errors.length > 0) return { ok: false, errors };

  const count = (action: Change['action']): number => changes.filter((c) => c.action === action).length;
  const unsafe = unsafeReasons(manifest.safety, pruneDeletes, remote.length);
  const plan: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    manifest: { path: manifest.path, sha256: manifest.sha256 },
    remote: { api_url: meta.apiUrl, account: meta.account, fingerprint: fingerprint(remote), count: remote.length },
    summary: {
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      unchanged,
      unmanaged: unmanaged.length,
    },
    changes: changes.sort(compareChanges),
    unmanaged: unmanaged.sort(
      (a, b) => compareText(identityKey(a), identityKey(b)) || compareText(a.uuid, b.uuid),
    ),
    warnings: warnings.sort(compareWarnings),
    ...(unsafe.length > 0 ? { unsafe } : {}),
  };
  return { ok: true, plan };
}

/** The listed webhook with its request fields normalized, so `before` and each field's `before` agree. */
function normalized(r: RemoteWebhook): RemoteWebhook {
  return { ...r, ...specOf(r) };
}

function createReason(d: DesiredWebhook, staleUuid: boolean): string {
  return staleUuid
    ? `pinned uuid ${d.uuid ?? ''} not found in the account (stale uuid; run \`rdhooks pin\`)`
    : REASONS.create;
}

/** Only a pinned entry can change its key in place, so a key change says so. */
function updateReason(before: RemoteWebhook, after: WebhookSpec): string {
  const moved = diffFields(before, after).flatMap((f) => (f.path === 'event_type' || f.path === 'url' ? [f.path] : []));
  return moved.length > 0 ? `${moved.join(' and ')} changed (pinned uuid)` : REASONS.update;
}
