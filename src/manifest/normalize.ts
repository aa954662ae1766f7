/** Turning a valid written manifest into the typed `Manifest` the planner reads. Pure. */
import { canonicalUrlPattern } from '../shared/url.js';
import { CONVERSION_EVENT, normalizeSpec } from '../shared/webhook.js';
import type { Locate } from './issue.js';
import type {
  AbsentEntry,
  DesiredWebhook,
  IgnoreRule,
  Manifest,
  SourcePosition,
  SuspendedPolicy,
  WrittenEntry,
  WrittenManifest,
} from './types.js';

/**
 * Fills defaults (entry values win; `defaults.event_identifiers` only reaches WEBHOOK.CONVERTED entries,
 * the one event type that takes them), trims strings, sorts and de-duplicates sets, lower-cases uuids, puts
 * ignore rules' url patterns in canonical form (entry urls stay as written: plans show them so).
 * `written` must have passed the schema and the rules.
 */
export function normalizeManifest(
  written: WrittenManifest,
  meta: { path: string; sha256: string; locate: Locate },
): Manifest {
  const defaults = written.defaults ?? {};
  const suspended = written.suspended ?? 'report';
  const webhooks: DesiredWebhook[] = [];
  const absent: AbsentEntry[] = [];
  (written.webhooks ?? []).forEach((entry, i) => {
    const source = position(meta.locate(['webhooks', i]));
    if (entry.ensure === 'absent') absent.push(normalizeAbsent(entry, source));
    else webhooks.push(normalizePresent(entry, defaults, entry.suspended ?? suspended, source));
  });
  const account = written.account?.trim();
  const safety = written.safety ?? {};
  return {
    path: meta.path,
    sha256: meta.sha256,
    ...(account !== undefined ? { account } : {}),
    prune: written.prune ?? false,
    safety: {
      ...(safety.max_deletes !== undefined ? { max_deletes: safety.max_deletes } : {}),
      ...(safety.max_updates !== undefined ? { max_updates: safety.max_updates } : {}),
      allow_empty: safety.allow_empty ?? false,
    },
    suspended,
    targets: { check: written.targets?.check ?? false, allow_private: written.targets?.allow_private ?? false },
    webhooks,
    absent,
    ignore: (written.ignore ?? []).map(normalizeIgnore),
  };
}

function normalizePresent(
  entry: WrittenEntry,
  defaults: NonNullable<WrittenManifest['defaults']>,
  suspended: SuspendedPolicy,
  source: SourcePosition,
): DesiredWebhook {
  const eventType = (entry.event_type ?? '').trim();
  const spec = normalizeSpec({
    event_type: eventType,
    url: entry.url ?? '',
    entity_type: entry.entity_type ?? defaults.entity_type,
    http_method: entry.http_method ?? defaults.http_method,
    event_identifiers: entry.event_identifiers ?? (eventType === CONVERSION_EVENT ? defaults.event_identifiers : undefined),
    include_relations: entry.include_relations ?? defaults.include_relations,
  });
  const name = entry.name?.trim();
  const uuid = entry.uuid?.trim().toLowerCase();
  return {
    address: name ?? `${spec.event_type} ${spec.url}`,
    ...(name !== undefined ? { name } : {}),
    ...(uuid !== undefined ? { uuid } : {}),
    ...spec,
    suspended,
    source,
  };
}

function normalizeAbsent(entry: WrittenEntry, source: SourcePosition): AbsentEntry {
  const name = entry.name?.trim();
  const uuid = entry.uuid?.trim().toLowerCase();
  const eventType = entry.event_type?.trim();
  const url = entry.url?.trim();
  return {
    address: name ?? (eventType !== undefined && url !== undefined ? `${eventType} ${url}` : (uuid ?? '')),
    ...(name !== undefined ? { name } : {}),
    ...(uuid !== undefined ? { uuid } : {}),
    ...(eventType !== undefined ? { event_type: eventType } : {}),
    ...(url !== undefined ? { url } : {}),
    source,
  };
}

function normalizeIgnore(rule: IgnoreRule): IgnoreRule {
  return {
    ...(rule.uuid !== undefined ? { uuid: rule.uuid.trim().toLowerCase() } : {}),
    ...(rule.event_type !== undefined ? { event_type: rule.event_type.trim() } : {}),
    ...(rule.url !== undefined ? { url: canonicalUrlPattern(rule.url.trim()) } : {}),
  };
}

function position(p: SourcePosition): SourcePosition {
  return { file: p.file, line: p.line, column: p.column };
}
