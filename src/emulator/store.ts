/**
 * The emulator's webhook store: RD Station's rules (validation, uniqueness, server-set fields) over plain data,
 * answering with the statuses and bodies RD documents.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../shared/errors.js';
import { CONVERSION_EVENT, EVENT_TYPES, RELATIONS } from '../shared/webhook.js';
import type { WireWebhook } from '../rdstation/wire.js';

/** An answer of the store: an HTTP status and a JSON body (none for 204). */
export interface StoreReply {
  status: number;
  body?: unknown;
}

/** The platform_account_id of RD's documented example: larger than a JavaScript number can hold exactly. */
export const DEFAULT_PLATFORM_ACCOUNT_ID = '818000000000436400';

/** Options of a store. */
export interface StoreOptions {
  /** Webhooks to start with, as RD lists them; legacy objects (no status, timestamps…) are kept as they are. */
  seed?: readonly WireWebhook[];
  platformAccountId?: string;
  now?: () => number;
  newUuid?: () => string;
  /** When set, a create first asks it whether the target URL answers 2xx; false means RD's 401. */
  validateUrl?: (url: string) => Promise<boolean>;
}

const NOT_FOUND: StoreReply = {
  status: 404,
  body: { errors: { error_type: 'RESOURCE_NOT_FOUND', error_message: 'Webhook not found.' } },
};

/** The body RD answers when a create's target URL does not answer 2xx (it does not say why). */
export const URL_VALIDATION_FAILED: StoreReply = {
  status: 401,
  body: { errors: { error_type: 'UNAUTHORIZED', error_message: 'Invalid token.' } },
};

/** The refusal of a second webhook with the same (event_type, url). RD's status and body are undocumented: 422 here. */
export const DUPLICATE_MESSAGE = 'Não é permitido o cadastro de URLs duplicadas para o mesmo event_type.';

interface RuleError {
  error_type: string;
  error_message: string;
  path: string;
  validation_rules?: { valid_options: string[] };
}

function validateBody(body: unknown): RuleError[] | 'malformed' {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'malformed';
  const o = body as Record<string, unknown>;
  const errors: RuleError[] = [];
  const enumField = (key: string, options: readonly string[]): void => {
    const v = o[key];
    const path = `$.body.${key}`;
    if (v === undefined || v === null || v === '') errors.push({ error_type: 'CANNOT_BE_NULL', error_message: 'Cannot be null.', path });
    else if (typeof v !== 'string') errors.push({ error_type: 'MUST_BE_STRING', error_message: 'Must be string.', path });
    else if (!options.includes(v)) {
      errors.push({ error_type: 'INVALID_OPTION', error_message: 'Must be one of the valid options.', validation_rules: { valid_options: [...options] }, path });
    }
  };
  enumField('event_type', EVENT_TYPES);
  enumField('entity_type', ['CONTACT']);
  enumField('http_method', ['POST']);
  const url = o.url;
  if (url === undefined || url === null || url === '') errors.push({ error_type: 'CANNOT_BE_NULL', error_message: 'Cannot be null.', path: '$.body.url' });
  else if (typeof url !== 'string') errors.push({ error_type: 'MUST_BE_STRING', error_message: 'Must be string.', path: '$.body.url' });
  else if (!/^https?:\/\/\S+$/i.test(url)) errors.push({ error_type: 'INVALID_FORMAT', error_message: 'Must be a valid URL.', path: '$.body.url' });
  for (const key of ['event_identifiers', 'include_relations']) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      errors.push({ error_type: 'MUST_BE_ARRAY_OF_STRINGS', error_message: 'Must be an array of strings.', path: `$.body.${key}` });
    }
  }
  if (Array.isArray(o.include_relations)) {
    for (const r of o.include_relations) {
      if (typeof r === 'string' && !(RELATIONS as readonly string[]).includes(r)) {
        errors.push({ error_type: 'INVALID_OPTION', error_message: 'Must be one of the valid options.', validation_rules: { valid_options: [...RELATIONS] }, path: '$.body.include_relations' });
        break;
      }
    }
  }
  // The docs allow event_identifiers only for conversions; a strict emulator catches a client that sends more.
  if (Array.isArray(o.event_identifiers) && o.event_identifiers.length > 0 && o.event_type !== CONVERSION_EVENT) {
    errors.push({ error_type: 'INVALID_FIELD', error_message: `Only allowed when event_type is ${CONVERSION_EVENT}.`, path: '$.body.event_identifiers' });
  }
  return errors;
}

/** RD lists sets in its own order, not the order sent (the documented example shows this): reverse them. */
function serverOrder(v: unknown): string[] {
  return Array.isArray(v) ? [...(v as string[])].reverse() : [];
}

/** Why a seeded or saved webhook cannot be loaded: not an object, or no "event_type" / "url" string, or a bad uuid. */
export function wireWebhookProblem(w: unknown): string | undefined {
  if (typeof w !== 'object' || w === null || Array.isArray(w)) return 'is not a JSON object';
  const o = w as Record<string, unknown>;
  for (const key of ['event_type', 'url']) if (typeof o[key] !== 'string') return `has no "${key}" string`;
  if (o.uuid !== undefined && (typeof o.uuid !== 'string' || !o.uuid)) return 'has a "uuid" that is not a string';
  return undefined;
}

/** The store: webhooks by uuid, in creation order. */
export class EmulatorStore {
  private readonly webhooks = new Map<string, WireWebhook>();
  private readonly now: () => number;
  private readonly newUuid: () => string;
  readonly platformAccountId: string;
  /** Replaceable at run time (the emulator's --validate-urls fault). */
  validateUrl: ((url: string) => Promise<boolean>) | undefined;
  /** Called after every change, before the reply is sent (the emulator persists its state here). */
  onChange: (() => Promise<void>) | undefined;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.newUuid = options.newUuid ?? randomUUID;
    this.platformAccountId = options.platformAccountId ?? DEFAULT_PLATFORM_ACCOUNT_ID;
    this.validateUrl = options.validateUrl;
    for (const w of options.seed ?? []) this.load(w);
  }

  /** Adds a webhook exactly as given (a seed or saved state): legacy fields stay missing. */
  load(w: WireWebhook): void {
    const problem = wireWebhookProblem(w);
    if (problem) throw new UserError(`A seeded webhook ${problem}.`, 'Give every seeded webhook "event_type" and "url" strings, as RD lists them.');
    const uuid = typeof w.uuid === 'string' && w.uuid ? w.uuid : this.newUuid();
    const copy: WireWebhook = { ...w, uuid };
    if (typeof copy.platform_account_id === 'number') copy.platform_account_id = String(copy.platform_account_id);
    this.webhooks.set(uuid, copy);
  }

  /** Every webhook, as stored (for state files and tests). */
  snapshot(): WireWebhook[] {
    return [...this.webhooks.values()].map((w) => structuredClone(w));
  }

  /** Sets a webhook's status, as RD does when it suspends a failing target; false when there is no such uuid. */
  async setStatus(uuid: string, status: string): Promise<boolean> {
    const w = this.webhooks.get(uuid);
    if (!w) return false;
    w.status = status;
    await this.onChange?.();
    return true;
  }

  /** Marks a webhook suspended. */
  suspend(uuid: string): Promise<boolean> {
    return this.setStatus(uuid, 'suspended');
  }

  /** Removes every webhook. */
  async clear(): Promise<void> {
    this.webhooks.clear();
    await this.onChange?.();
  }

  list(): StoreReply {
    return { status: 200, body: { webhooks: this.snapshot() } };
  }

  get(uuid: string): StoreReply {
    const w = this.webhooks.get(uuid);
    return w ? { status: 200, body: structuredClone(w) } : NOT_FOUND;
  }

  async create(body: unknown): Promise<StoreReply> {
    const invalid = this.check(body, undefined);
    if (invalid) return invalid;
    const o = body as WireWebhook;
    if (this.validateUrl && !(await this.validateUrl(o.url as string))) return URL_VALIDATION_FAILED;
    // Checked again: another create may have landed while the target URL was being called.
    const taken = this.check(body, undefined);
    if (taken) return taken;
    const stamp = new Date(this.now()).toISOString();
    const w: WireWebhook = {
      uuid: this.newUuid(),
      ...this.fields(o),
      created_at: stamp,
      updated_at: stamp,
      platform_account_id: this.platformAccountId,
      status: 'active',
    };
    this.webhooks.set(w.uuid as string, w);
    await this.onChange?.();
    return { status: 201, body: structuredClone(w) };
  }

  async update(uuid: string, body: unknown): Promise<StoreReply> {
    const w = this.webhooks.get(uuid);
    if (!w) return NOT_FOUND;
    const invalid = this.check(body, uuid);
    if (invalid) return invalid;
    const next: WireWebhook = {
      ...w,
      ...this.fields(body as WireWebhook),
      updated_at: new Date(this.now()).toISOString(),
      platform_account_id: w.platform_account_id ?? this.platformAccountId,
      // No request field sets status: an update leaves it as it was.
      status: w.status ?? 'active',
    };
    this.webhooks.set(uuid, next);
    await this.onChange?.();
    return { status: 200, body: structuredClone(next) };
  }

  async delete(uuid: string): Promise<StoreReply> {
    if (!this.webhooks.delete(uuid)) return NOT_FOUND;
    await this.onChange?.();
    return { status: 204 };
  }

  private fields(o: WireWebhook): WireWebhook {
    const eventType = o.event_type as string;
    return {
      event_type: eventType,
      entity_type: o.entity_type,
      url: o.url,
      http_method: o.http_method,
      event_identifiers: eventType === CONVERSION_EVENT ? serverOrder(o.event_identifiers) : [],
      include_relations: serverOrder(o.include_relations),
      source: eventType.startsWith('crm_') ? 'CRM' : 'MKT',
    };
  }

  private check(body: unknown, self: string | undefined): StoreReply | undefined {
    const errors = validateBody(body);
    if (errors === 'malformed') {
      return { status: 400, body: { errors: { error_type: 'BAD_REQUEST', error_message: 'Could not parse the body of the request according to the provided Content-Type.' } } };
    }
    if (errors.length) return { status: 400, body: { errors } };
    const o = body as { event_type: string; url: string };
    for (const w of this.webhooks.values()) {
      if (w.uuid !== self && w.event_type === o.event_type && w.url === o.url) {
        return { status: 422, body: { errors: [{ error_type: 'DUPLICATED_URL', error_message: DUPLICATE_MESSAGE, path: '$.body.url' }] } };
      }
    }
    return undefined;
  }
}
