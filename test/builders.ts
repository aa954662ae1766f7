/** Builders of test data: a valid default for everything, overridden by what the test is about. */
import { createHash } from 'node:crypto';
import type { AbsentEntry, DesiredWebhook, Manifest } from '../src/manifest/types.js';
import type { RemoteWebhook } from '../src/shared/webhook.js';

/** A uuid-shaped id derived from `seed`, so the same webhook always gets the same uuid across runs. */
export function uuidFor(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A listed, active webhook; its uuid derives from event_type and url unless given. */
export function aWebhook(overrides: Partial<RemoteWebhook> = {}): RemoteWebhook {
  const event_type = overrides.event_type ?? 'WEBHOOK.CONVERTED';
  const url = overrides.url ?? 'https://hooks.example.com/rd/converted';
  return {
    uuid: uuidFor(`${event_type} ${url}`),
    event_type,
    entity_type: 'CONTACT',
    url,
    http_method: 'POST',
    event_identifiers: [],
    include_relations: [],
    status: 'active',
    source: 'MKT',
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    platform_account_id: '818000000000436400',
    ...overrides,
  };
}

/** A present manifest entry; its address is its name, else `event_type url`, as the loader makes it. */
export function aDesired(overrides: Partial<DesiredWebhook> = {}): DesiredWebhook {
  const event_type = overrides.event_type ?? 'WEBHOOK.CONVERTED';
  const url = overrides.url ?? 'https://hooks.example.com/rd/converted';
  return {
    address: overrides.name ?? `${event_type} ${url}`,
    event_type,
    entity_type: 'CONTACT',
    url,
    http_method: 'POST',
    event_identifiers: [],
    include_relations: [],
    suspended: 'report',
    source: { file: 'webhooks.yaml', line: 4, column: 5 },
    ...overrides,
  };
}

/** An `ensure: absent` entry; give it a uuid, or an event_type and url. */
export function anAbsent(overrides: Partial<AbsentEntry> = {}): AbsentEntry {
  const key =
    overrides.event_type !== undefined && overrides.url !== undefined
      ? `${overrides.event_type} ${overrides.url}`
      : undefined;
  return {
    address: overrides.name ?? key ?? overrides.uuid ?? '',
    source: { file: 'webhooks.yaml', line: 20, column: 5 },
    ...overrides,
  };
}

/** A loaded manifest with nothing in it, prune off, every other key at its default. */
export function aManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    path: 'webhooks.yaml',
    sha256: 'a'.repeat(64),
    prune: false,
    safety: { allow_empty: false },
    suspended: 'report',
    targets: { check: false, allow_private: false },
    webhooks: [],
    absent: [],
    ignore: [],
    ...overrides,
  };
}
