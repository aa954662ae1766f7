/** The planner: manifest and account listing in, a Plan out. Pure: no I/O, no clock. */
import { matchesIgnoreRule } from '../manifest/ignore.js';
import type { DesiredWebhook, Manifest } from '../manifest/types.js';
import { identityKey, webhookLabel, type RemoteWebhook, type WebhookSpec } from '../shared/webhook.js';
import { addressMatcher, unknownAddressErrors } from './addresses.js';
import { findCollisions, type FinalWebhook } from './collisions.js';
import { diffSpecs, specOf } from './diff.js';
import { fingerprint } from './fingerprint.js';
import { isSuspended, matchEntries } from './match.js';
import { compareChanges, compareText } from './order.js';
import { emptyPruneError, unsafeReasons } from './safety.js';
import { narrowToTargets } from './targets.js';
import {
  PLAN_FORMAT_VERSION,
  type Change,
  type Finding,
  type Plan,
  type PlanError,
  type PlanResult,
  type PlanWarning,
  type UnmanagedWebhook,
  type UpdateChange,
} from './types.js';
import {
  absentNotFoundWarning,
  compareWarnings,
  duplicateWarnings,
  insecureUrlWarning,
  staleUuidWarning,
  suspendedFinding,
  suspendedWarning,
} from './warnings.js';
import { orderMoves, type Move } from './waves.js';

/** Facts about where the listing came from, recorded in the plan. */
export interface PlanMeta {
  apiUrl: string;
  /** The account's name, as RD's account_info gives it. */
  account: string;
}

/** What was asked beyond the manifest. */
export interface PlanRequest {
  /** Addresses (entry names, `event_type url`, uuids) of webhooks to delete and create again. */
  replace?: readonly string[];
  /** When given, plan only these entries: a partial plan, with prune off. */
  target?: readonly string[];
  /** Targets found failing by a probe, by url: findings for webhooks left as they are, errors for those written. */
  failingTargets?: ReadonlyMap<string, string>;
  /** Webhooks rdhooks replaced earlier (old uuid → new), so a stale pin on one says so. */
  replaced?: ReadonlyMap<string, string>;
}

/** The reasons a change can carry, fixed so tests and readers can rely on them. */
export const REASONS = {
  absent: 'ensure: absent in the manifest',
  prune: 'not in the manifest, and prune is on',
  create: 'not in the account',
  update: 'fields differ',
  replace: 'replacement requested (--replace)',
  suspended: 'suspended by RD Station; deleted and created again to reactivate it (suspended: recreate)',
} as const;

/** Plans the writes that make the account equal the manifest, or returns every reason no plan can be made. */
export function planWebhooks(manifest: Manifest, remote: readonly RemoteWebhook[], meta: PlanMeta, request: PlanRequest = {}): PlanResult {
  const replace = addressMatcher(request.replace ?? []);
  const target = addressMatcher(request.target ?? []);
  const partial = (request.target ?? []).length > 0;
  const prune = manifest.prune && !partial;
  const errors: PlanError[] = [];
  const emptyPrune = partial ? undefined : emptyPruneError(manifest);
  if (emptyPrune) errors.push(emptyPrune);
  const matching = matchEntries(manifest, remote);
  if (matching.errors.length > 0) return { ok: false, errors: [...errors, ...matching.errors] };
  errors.push(...unknownAddressErrors(manifest, remote, request));
  if (errors.length > 0) return { ok: false, errors };

  const changes: Change[] = [];
  const findings: Finding[] = [];
  const warnings: PlanWarning[] = [];
  const finals: FinalWebhook[] = [];
  const moves: { move: Move; change: UpdateChange }[] = [];
  let unchanged = 0;

  for (const { desired, remote: listed, staleUuid } of matching.present) {
    // Each side is normalized once here; diffSpecs compares them as they are.
    const before = listed && specOf(listed);
    const r = listed && before && { ...listed, ...before };
    const after = specOf(desired);
    const subject = { address: desired.address, uuid: r?.uuid ?? desired.uuid, source: desired.source };
    if (staleUuid) warnings.push(staleUuidWarning(desired, r, r !== undefined && desired.uuid !== undefined && request.replaced?.get(desired.uuid) === r.uuid));
    const insecure = insecureUrlWarning(desired);
    if (insecure) warnings.push(insecure);
    const key = identityKey(after);
    if (!r || !before) {
      changes.push({ action: 'create', address: desired.address, reason: createReason(desired, staleUuid), after });
      finals.push({ key, subject, moved: true });
      continue;
    }
    const fields = diffSpecs(before, after);
    const moved = key !== identityKey(r);
    finals.push({ key, subject, moved });
    const why = replacement(desired, r, replace);
    if (why) {
      changes.push({ action: 'replace', address: desired.address, uuid: r.uuid, reason: why, before: r, after, fields });
      continue;
    }
    if (isSuspended(r)) findings.push(suspendedFinding(desired.address, r));
    const failing = request.failingTargets?.get(r.url);
    if (failing !== undefined && fields.length === 0) findings.push({ code: 'target_failing', address: desired.address, uuid: r.uuid, url: r.url, message: failing });
    if (fields.length === 0) {
      unchanged += 1;
      continue;
    }
    const change: UpdateChange = { action: 'update', address: desired.address, uuid: r.uuid, reason: updateReason(fields), wave: 0, before: r, after, fields };
    changes.push(change);
    if (moved) moves.push({ move: { subject, from: identityKey(r), to: key }, change });
  }

  for (const { entry, remote: r } of matching.absent) {
    changes.push({ action: 'delete', address: entry.address, uuid: r.uuid, reason: REASONS.absent, before: normalized(r) });
  }
  for (const entry of manifest.absent) {
    if (entry.uuid !== undefined && !matching.absent.some((a) => a.entry === entry)) warnings.push(absentNotFoundWarning(entry));
  }

  const unmanaged: UnmanagedWebhook[] = [];
  let pruneDeletes = 0;
  for (const r of matching.unmatched) {
    const ignored = manifest.ignore.some((rule) => matchesIgnoreRule(rule, r));
    if (prune && !ignored) {
      changes.push({ action: 'delete', address: webhookLabel(r), uuid: r.uuid, reason: REASONS.prune, before: normalized(r) });
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

  // A target failing a probe blocks the plan only when this plan would write it.
  for (const c of changes) {
    const failing = c.action === 'delete' ? undefined : request.failingTargets?.get(c.after.url);
    if (failing !== undefined && c.action !== 'delete') errors.push(targetFailingError(c, failing));
  }

  const scope = partial
    ? narrowToTargets({ changes, findings, unmanaged, warnings, errors }, target)
    : { changes, findings, unmanaged, warnings, errors };
  if (scope.errors.length > 0) return { ok: false, errors: scope.errors };

  const count = (action: Change['action']): number => scope.changes.filter((c) => c.action === action).length;
  const unsafe = unsafeReasons(manifest.safety, { pruneDeletes, moves: movingWrites(scope.changes) }, remote.length);
  const plan: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    manifest: { path: manifest.path, sha256: manifest.sha256 },
    remote: { api_url: meta.apiUrl, account: meta.account, fingerprint: fingerprint(remote), count: remote.length },
    request: { replace: [...(request.replace ?? [])], target: [...(request.target ?? [])] },
    summary: {
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      replace: count('replace'),
      unchanged: partial ? 0 : unchanged,
      unmanaged: scope.unmanaged.length,
      findings: scope.findings.length,
    },
    changes: scope.changes.sort(compareChanges),
    findings: scope.findings.sort((a, b) => compareText(a.address, b.address) || compareText(a.code, b.code)),
    unmanaged: scope.unmanaged.sort((a, b) => compareText(identityKey(a), identityKey(b)) || compareText(a.uuid, b.uuid)),
    warnings: scope.warnings.sort(compareWarnings),
    ...(unsafe.length > 0 ? { unsafe } : {}),
  };
  return { ok: true, plan };
}

/** The listed webhook with its request fields normalized, so `before` and each field's `before` agree. */
function normalized(r: RemoteWebhook): RemoteWebhook {
  return { ...r, ...specOf(r) };
}

/** Why a matched webhook is deleted and created again, if it is: asked for, or suspended under `suspended: recreate`. */
function replacement(desired: DesiredWebhook, r: RemoteWebhook, replace: (address: string, uuid?: string) => boolean): string | undefined {
  if (replace(desired.address, r.uuid)) return REASONS.replace;
  if (isSuspended(r) && desired.suspended === 'recreate') return REASONS.suspended;
  return undefined;
}

/** Writes that redirect where leads go: updates and replaces that change url or event_type. */
function movingWrites(changes: readonly Change[]): number {
  return changes.filter((c) => (c.action === 'update' || c.action === 'replace') && c.fields.some((f) => f.path === 'url' || f.path === 'event_type')).length;
}

function createReason(d: DesiredWebhook, staleUuid: boolean): string {
  return staleUuid ? `pinned uuid ${d.uuid ?? ''} not found in the account (stale uuid; run \`rdhooks pin\`)` : REASONS.create;
}

/** Only a pinned entry can change its key in place, so a key change says so. */
function updateReason(fields: readonly { path: string }[]): string {
  const moved = fields.flatMap((f) => (f.path === 'event_type' || f.path === 'url' ? [f.path] : []));
  return moved.length > 0 ? `${moved.join(' and ')} changed (pinned uuid)` : REASONS.update;
}

function targetFailingError(c: Exclude<Change, { action: 'delete' }>, failing: string): PlanError {
  return {
    code: 'target_failing',
    message: `${c.address} would ${c.action === 'update' ? 'send leads to' : c.action} a target that fails its check: ${failing}.`,
    hint: 'Fix the receiver so it answers 2xx to a JSON POST, or correct the url; nothing was written. RD refuses a create whose target does not answer 2xx.',
    subjects: [{ address: c.address, ...('uuid' in c ? { uuid: c.uuid } : {}) }],
  };
}

export type { WebhookSpec };
