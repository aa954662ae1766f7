/** Warnings: facts a reviewer should know that are not themselves changes. */
import type { AbsentEntry, DesiredWebhook } from '../manifest/types.js';
import { identityKey, webhookLabel, type RemoteWebhook } from '../shared/webhook.js';
import { compareText } from './order.js';
import type { Finding, PlanWarning } from './types.js';

/** An unmanaged webhook RD has suspended: worth knowing, not this manifest's to repair. */
export function suspendedWarning(address: string, r: RemoteWebhook): PlanWarning {
  return {
    code: 'webhook_suspended',
    address,
    message: `RD Station has suspended webhook ${r.uuid} (status: ${r.status ?? ''}), so it delivers nothing; no entry manages it.`,
  };
}

/**
 * A managed webhook RD has suspended, under `suspended: report`: drift, since leads stop arriving, though this plan
 * writes nothing for it (a PUT does not reactivate it; recreating it does).
 */
export function suspendedFinding(address: string, r: RemoteWebhook): Finding {
  return {
    code: 'webhook_suspended',
    address,
    uuid: r.uuid,
    url: r.url,
    message:
      `RD Station has suspended webhook ${r.uuid} (status: ${r.status ?? ''}), so it delivers nothing. Make sure the ` +
      'target answers 2xx to a JSON POST over https, then recreate it: `rdhooks apply --replace ' +
      `${address}\`, or set \`suspended: recreate\` on the entry (or the manifest) to repair it on every apply.`,
  };
}

/** A target reached over plain http, which RD's documentation says it does not accept. */
export function insecureUrlWarning(d: DesiredWebhook): PlanWarning | undefined {
  if (!/^http:\/\//i.test(d.url)) return undefined;
  return {
    code: 'insecure_url',
    address: d.address,
    message:
      'The target url uses plain http://. RD Station requires https with a valid TLS certificate, so it may ' +
      'refuse the webhook, and deliveries would travel unencrypted. Use an https:// url.',
  };
}

/** Pinned uuids the account does not list: the fix is to pin what apply creates or what was adopted. */
export function staleUuidWarning(d: DesiredWebhook, adopted: RemoteWebhook | undefined, replacedByRdhooks: boolean): PlanWarning {
  if (adopted && replacedByRdhooks) {
    return {
      code: 'stale_uuid',
      address: d.address,
      message: `rdhooks replaced webhook ${d.uuid ?? ''} with ${adopted.uuid} (recorded in .rdhooks/replaced.json); the entry matches the new one. Run \`rdhooks pin\` to write its uuid into the manifest.`,
    };
  }
  const what = adopted ? `matches webhook ${adopted.uuid} by event_type and url instead` : 'will be created as a new webhook';
  return {
    code: 'stale_uuid',
    address: d.address,
    message:
      `The manifest pins uuid ${d.uuid ?? ''}, which the account does not list (deleted, or pinned from another ` +
      `account); the entry ${what}. ${adopted ? 'Check it, then run `rdhooks pin --update-stale`' : 'After apply, run `rdhooks pin --update-stale`'} to write the ` +
      'current uuid into the manifest.',
  };
}

/**
 * An `ensure: absent` pin the account does not list: nothing is deleted. Silence here would hide a wrong uuid
 * while the webhook the user meant to delete goes on receiving leads.
 */
export function absentNotFoundWarning(entry: AbsentEntry): PlanWarning {
  return {
    code: 'stale_uuid',
    address: entry.address,
    message:
      `ensure: absent names uuid ${entry.uuid ?? ''}, which the account does not list, so nothing is deleted. ` +
      'If it is gone already, remove the entry; if the uuid is wrong, fix it (rdhooks export lists the uuids).',
  };
}

/** Listed webhooks sharing one (event_type, url), which RD is meant to keep unique. */
export function duplicateWarnings(remote: readonly RemoteWebhook[]): PlanWarning[] {
  const byKey = new Map<string, RemoteWebhook[]>();
  for (const r of remote) {
    const key = identityKey(r);
    const group = byKey.get(key);
    if (group) group.push(r);
    else byKey.set(key, [r]);
  }
  return [...byKey.values()]
    .filter((group) => group.length > 1)
    .map((group) => ({ address: webhookLabel(group[0] as RemoteWebhook), uuids: group.map((r) => r.uuid) }))
    .map(({ address, uuids }) => ({
      code: 'duplicate_in_account' as const,
      address,
      message:
        `The account lists ${uuids.length} webhooks with this event_type and url (${uuids.sort(compareText).join(', ')}), ` +
        'which RD is meant to keep unique. Keep one: pin it with `uuid:` and delete the others with ' +
        '`ensure: absent`.',
    }));
}

/** Warnings in a stable order: by address, then code, then message. */
export function compareWarnings(a: PlanWarning, b: PlanWarning): number {
  return compareText(a.address ?? '', b.address ?? '') || compareText(a.code, b.code) || compareText(a.message, b.message);
}
