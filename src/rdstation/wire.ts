/** The wire format of RD Station webhooks: request bodies from specs, and response text to RemoteWebhook. */
import { CONVERSION_EVENT, normalizeSpec, type RemoteWebhook, type WebhookSpec } from '../shared/webhook.js';
import { parseErrorBody } from './errors.js';

/** A webhook object as RD Station sends or receives it, before normalization. */
export type WireWebhook = Record<string, unknown>;

/** The body of a create or update: the whole object; `event_identifiers` only for WEBHOOK.CONVERTED. */
export function toRequestBody(spec: WebhookSpec): WireWebhook {
  const body: WireWebhook = {
    event_type: spec.event_type,
    entity_type: spec.entity_type,
    url: spec.url,
    http_method: spec.http_method,
  };
  if (spec.event_type === CONVERSION_EVENT) body.event_identifiers = [...spec.event_identifiers];
  body.include_relations = [...spec.include_relations];
  return body;
}

// platform_account_id exceeds Number.MAX_SAFE_INTEGER, and Node 20's JSON.parse offers no access to the
// source text, so the number is quoted before parsing. The lookbehind skips the key inside an escaped string.
const LARGE_ID = /(?<!\\)("platform_account_id"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** JSON.parse that keeps `platform_account_id` as the text received instead of a rounded number. */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text.replace(LARGE_ID, '$1"$2"'));
}

/** JSON.stringify that writes a string `platform_account_id` of digits back as a bare JSON number, as RD does. */
export function stringifyWithLargeIds(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(/("platform_account_id":\s*)"(-?\d+)"/g, '$1$2');
}

/** Why a response object could not be read as a webhook. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

function optionalString(o: WireWebhook, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new WireFormatError(`field "${key}" is ${typeof v}, expected a string`);
}

function identityString(o: WireWebhook, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || typeof v === 'string') return v ?? undefined;
  throw new WireFormatError(`field "${key}" is ${Array.isArray(v) ? 'array' : typeof v}, expected a string`);
}

function stringArray(o: WireWebhook, key: string): string[] {
  const v = o[key];
  // Legacy responses omit arrays; a missing array means empty.
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new WireFormatError(`field "${key}" is not an array of strings`);
  }
  return v as string[];
}

/** Reads one response object as a RemoteWebhook; legacy objects without status, source or timestamps pass. */
export function fromWire(value: unknown): RemoteWebhook {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WireFormatError('a webhook is not a JSON object');
  }
  const o = value as WireWebhook;
  // Identity fields must be strings: a number here is a broken answer, not something to turn into a URL.
  const uuid = identityString(o, 'uuid');
  const eventType = identityString(o, 'event_type');
  const url = identityString(o, 'url');
  if (!uuid) throw new WireFormatError('a webhook has no "uuid"');
  if (!eventType) throw new WireFormatError(`webhook ${uuid} has no "event_type"`);
  if (url === undefined) throw new WireFormatError(`webhook ${uuid} has no "url"`);
  const remote: RemoteWebhook = {
    uuid,
    ...normalizeSpec({
      event_type: eventType,
      url,
      entity_type: optionalString(o, 'entity_type'),
      http_method: optionalString(o, 'http_method'),
      event_identifiers: stringArray(o, 'event_identifiers'),
      include_relations: stringArray(o, 'include_relations'),
    }),
  };
  for (const key of ['status', 'source', 'created_at', 'updated_at', 'platform_account_id'] as const) {
    const v = optionalString(o, key);
    if (v !== undefined) remote[key] = v;
  }
  return remote;
}

/** Reads a list body: `{"webhooks": [...]}`; a missing array is empty. */
export function listFromWire(value: unknown): RemoteWebhook[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WireFormatError('the list body is not a JSON object');
  }
  const list = (value as { webhooks?: unknown }).webhooks;
  if (list === undefined || list === null) {
    // A 200 carrying an error (a proxy, or RD itself) is not an empty account: taken as one, a plan would be wrong.
    if (['errors', 'error', 'error_type', 'error_message'].some((k) => k in value)) {
      const what = parseErrorBody(JSON.stringify(value)).message;
      throw new WireFormatError(`it is an error body${what ? ` ("${what}")` : ''}, not a list of webhooks`);
    }
    return [];
  }
  if (!Array.isArray(list)) throw new WireFormatError('"webhooks" is not an array');
  return list.map(fromWire);
}
