/** The wire format of RD Station webhooks: request bodies from specs, and response text to RemoteWebhook. */
import { CONVERSION_EVENT, normalizeSpec, type RemoteWebhook, type WebhookSpec } from '../shared/webhook.js';
import type { AccountInfo } from './api.js';
import type { TokenResponse } from './auth.js';
import { parseErrorBody, sanitize } from './errors.js';

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ERROR_KEYS = ['errors', 'error', 'error_type', 'error_message', 'message'];

/**
 * Why a 200 body lacking `field` is not what was asked for: an error body (a proxy's, or RD's own) quoted, or the
 * keys it has instead. Either way it is an error: read as an empty account, say, it would make a wrong plan.
 */
function missing(value: Record<string, unknown>, what: string): WireFormatError {
  if (ERROR_KEYS.some((k) => k in value)) {
    const said = parseErrorBody(JSON.stringify(value)).message;
    return new WireFormatError(`it is an error body${said ? ` ("${said}")` : ''}, not ${what}`);
  }
  const keys = Object.keys(value);
  const shown = keys.slice(0, 5).map((k) => sanitize(k).slice(0, 40));
  return new WireFormatError(`it is not ${what}: ${keys.length ? `it has ${shown.join(', ')}${keys.length > 5 ? ', …' : ''}` : 'it is an empty object'}`);
}

/** Reads a list body: `{"webhooks": [...]}`, the array required. */
export function listFromWire(value: unknown): RemoteWebhook[] {
  if (!isObject(value)) throw new WireFormatError('the list body is not a JSON object');
  if (!('webhooks' in value)) throw missing(value, 'a list of webhooks (no "webhooks" array)');
  const list = value.webhooks;
  if (!Array.isArray(list)) throw new WireFormatError(`"webhooks" is not an array (it is ${list === null ? 'null' : typeof list})`);
  return list.map(fromWire);
}

/** Reads a token answer: a non-empty `access_token`; `expires_in` a positive number and `refresh_token` a non-empty string when present. */
export function tokensFromWire(value: unknown): TokenResponse {
  if (!isObject(value)) throw new WireFormatError('the token response is not a JSON object');
  const access = value.access_token;
  if (access === undefined) throw missing(value, 'a token response (no access_token)');
  if (typeof access !== 'string' || !access) throw new WireFormatError('no access_token in the token response');
  const tokens: TokenResponse = { access_token: access };
  const expires = value.expires_in;
  if (expires !== undefined && expires !== null) {
    if (typeof expires !== 'number' || !Number.isFinite(expires) || expires <= 0) {
      throw new WireFormatError(`"expires_in" is ${typeof expires === 'number' ? expires : typeof expires}, expected a positive number of seconds`);
    }
    tokens.expires_in = expires;
  }
  const refresh = value.refresh_token;
  if (refresh !== undefined && refresh !== null) {
    if (typeof refresh !== 'string' || !refresh) throw new WireFormatError(`"refresh_token" is ${typeof refresh === 'string' ? 'empty' : typeof refresh}, expected a token`);
    tokens.refresh_token = refresh;
  }
  return tokens;
}

/** Reads an account_info body: `{"name": …}`, a non-empty string, made safe to print. */
export function accountFromWire(value: unknown): AccountInfo {
  if (!isObject(value)) throw new WireFormatError('the account_info body is not a JSON object');
  if (!('name' in value)) throw missing(value, 'account information (no "name")');
  const name = typeof value.name === 'string' ? sanitize(value.name) : '';
  if (!name) throw new WireFormatError(`"name" is ${typeof value.name === 'string' ? 'empty' : value.name === null ? 'null' : typeof value.name}, expected the account name`);
  return { name };
}
