/** Addresses users name on the command line (`--replace`, `--target`): entry names, `event_type url`, or uuids. */
import type { Manifest } from '../manifest/types.js';
import { canonicalUrl } from '../shared/url.js';
import { webhookLabel, type RemoteWebhook } from '../shared/webhook.js';
import type { PlanError } from './types.js';

/** An address in the form it compares in: uuids lower-case, `event_type url` with the url canonical. */
function comparable(address: string): string {
  const t = address.trim();
  const space = t.indexOf(' ');
  return space < 0 ? t.toLowerCase() : `${t.slice(0, space)} ${canonicalUrl(t.slice(space + 1).trim())}`;
}

/** A test of whether a change's address (or its webhook's uuid) is one of `addresses`. */
export function addressMatcher(addresses: readonly string[]): (address: string, uuid?: string) => boolean {
  const wanted = new Set(addresses.flatMap((a) => [a.trim(), comparable(a)]));
  return (address, uuid) => wanted.has(address) || wanted.has(comparable(address)) || (uuid !== undefined && wanted.has(uuid.toLowerCase()));
}

/** One error per requested address that names nothing in the manifest or the account. */
export function unknownAddressErrors(manifest: Manifest, remote: readonly RemoteWebhook[], request: { replace?: readonly string[]; target?: readonly string[] }): PlanError[] {
  // Most plans name no address: then there is nothing to look up, and no index of every address to build.
  if ((request.replace ?? []).length === 0 && (request.target ?? []).length === 0) return [];
  const known = new Set<string>();
  const add = (a: string | undefined): void => {
    if (a !== undefined) known.add(comparable(a)).add(a.trim());
  };
  for (const e of [...manifest.webhooks, ...manifest.absent]) [e.address, e.name, e.uuid].forEach(add);
  for (const r of remote) [r.uuid, webhookLabel(r)].forEach(add);
  const flags = [...(request.replace ?? []).map((a) => ['--replace', a] as const), ...(request.target ?? []).map((a) => ['--target', a] as const)];
  return flags
    .filter(([, a]) => !known.has(a.trim()) && !known.has(comparable(a)))
    .map(([flag, a]) => ({
      code: 'unknown_address' as const,
      message: `${flag} ${a}: no entry of the manifest and no listed webhook has that address.`,
      hint: 'An address is an entry\'s name, its "event_type url", or a webhook\'s uuid, as plans show them.',
      subjects: [{ address: a }],
    }));
}
