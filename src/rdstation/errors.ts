/** ApiError: every error body RD Station documents, parsed into one typed error that says what to do. */
import { UserError } from '../shared/errors.js';
import { stripControl } from '../shared/text.js';
import type { Operation } from './api.js';
import { isTransientStatus } from './retry.js';

/** One field-level problem reported by RD Station (`path` or the key of a field → errors map). */
export interface FieldError {
  field: string;
  code?: string;
  message: string;
  validOptions?: string[];
}

/** What an error body says, whatever its shape. */
export interface ParsedErrorBody {
  code?: string;
  message?: string;
  fieldErrors: FieldError[];
  /** The rate-limit body's `remaining_time`, in milliseconds. */
  remainingTimeMs?: number;
  /** The body was an HTML page (a gateway's error page). */
  html: boolean;
}

/** Remote text on one line, without escapes, control or bidi characters, so it cannot drive the terminal. */
export function sanitize(text: string): string {
  return stripControl(text.replace(/[\t\n\r]+/g, ' ')).trim();
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isRecord(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? sanitize(v) : typeof v === 'number' ? String(v) : undefined;
}

/** `$.body.event_type` and `body.client_secret` name the field `event_type` / `client_secret`. */
function fieldName(path: string): string {
  return path.replace(/^\$?\.?body\./, '').replace(/^\$\./, '');
}

function entryOf(v: unknown): { code?: string; message?: string; path?: string; validOptions?: string[] } | undefined {
  if (!isRecord(v)) return undefined;
  const rules = v.validation_rules;
  const options = isRecord(rules) && Array.isArray(rules.valid_options) ? rules.valid_options.map(String) : undefined;
  return { code: str(v.error_type), message: str(v.error_message), path: str(v.path), validOptions: options };
}

function fromEntries(list: unknown[], into: ParsedErrorBody): void {
  const messages: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') {
      messages.push(sanitize(item));
      continue;
    }
    const e = entryOf(item);
    if (!e) continue;
    into.code ??= e.code;
    if (e.path) {
      into.fieldErrors.push({ field: fieldName(e.path), code: e.code, message: e.message ?? e.code ?? 'invalid', ...(e.validOptions ? { validOptions: e.validOptions } : {}) });
    }
    const m = e.message ?? e.code;
    if (m) messages.push(e.path ? `${fieldName(e.path)}: ${m}` : m);
  }
  if (messages.length) into.message = messages.join('; ');
}

/** `{"name": [{...}]}` and `{"label": {"pt-BR": [{...}]}}`: field → errors, nested maps joined with dots. */
function fromFieldMap(map: Record<string, Json>, prefix: string, into: ParsedErrorBody): void {
  for (const [key, value] of Object.entries(map)) {
    const field = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) {
      for (const item of value) {
        const e = entryOf(item);
        const message = e ? (e.message ?? e.code) : str(item);
        if (!message) continue;
        into.fieldErrors.push({ field, code: e?.code, message });
        into.code ??= e?.code;
      }
    } else if (isRecord(value)) {
      fromFieldMap(value, field, into);
    }
  }
}

function htmlTitle(text: string): string | undefined {
  const m = /<title[^>]*>([^<]*)<\/title>/i.exec(text);
  return m?.[1] ? sanitize(m[1]) : undefined;
}

/** Parses any documented RD Station error body (or an HTML page, or nothing) into one shape. Pure. */
export function parseErrorBody(text: string): ParsedErrorBody {
  const out: ParsedErrorBody = { fieldErrors: [], html: false };
  const trimmed = text.trim();
  if (!trimmed) return out;
  let body: unknown;
  try {
    body = JSON.parse(trimmed);
  } catch {
    if (/^<(!doctype|html|\?xml|head|body)/i.test(trimmed) || /<html[\s>]/i.test(trimmed)) {
      out.html = true;
      const title = htmlTitle(trimmed);
      out.message = title ? `an HTML error page ("${title}")` : 'an HTML error page';
    } else {
      const s = sanitize(trimmed);
      out.message = s.length > 200 ? `${s.slice(0, 200)}…` : s;
    }
    return out;
  }
  if (Array.isArray(body)) {
    fromEntries(body, out);
    return out;
  }
  if (!isRecord(body)) {
    out.message = sanitize(String(body));
    return out;
  }
  const errors = body.errors;
  if (Array.isArray(errors)) {
    fromEntries(errors, out);
  } else if (isRecord(errors)) {
    if ('error_type' in errors || 'error_message' in errors) {
      out.code = str(errors.error_type);
      out.message = str(errors.error_message);
    } else {
      fromFieldMap(errors, '', out);
      if (out.fieldErrors.length) out.message = out.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ');
    }
  } else if (typeof errors === 'string') {
    out.message = sanitize(errors);
  } else if ('error_type' in body || 'error_message' in body) {
    out.code = str(body.error_type);
    out.message = str(body.error_message);
  } else if (typeof body.error === 'string') {
    // OAuth: {"error": "invalid_request", "error_description": "…"}; RDSM rate limit: {"error": "… exceeded …", "remaining_time": ms}
    if (typeof body.error_description === 'string') {
      out.code = sanitize(body.error);
      out.message = sanitize(body.error_description);
    } else {
      out.message = sanitize(body.error);
      if (/^[A-Za-z_]+$/.test(body.error)) out.code = body.error;
    }
  } else if (typeof body.message === 'string') {
    out.message = sanitize(body.message);
  }
  if (typeof body.remaining_time === 'number' && body.remaining_time >= 0) out.remainingTimeMs = body.remaining_time;
  return out;
}

/** Everything an ApiError carries. */
export interface ApiErrorInit {
  message: string;
  hint?: string;
  /** The HTTP status; undefined when no response arrived (connection error, timeout). */
  status?: number;
  code?: string;
  serverMessage?: string;
  fieldErrors?: FieldError[];
  method: string;
  path: string;
  retryable: boolean;
  /** A write whose connection broke after sending: it may or may not have happened; re-list to know. */
  outcomeUnknown?: boolean;
  retryAfterMs?: number;
}

/** An RD Station API call failed; `message` says what happened, `hint` what to do. */
export class ApiError extends UserError {
  override readonly name = 'ApiError';
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly serverMessage: string | undefined;
  readonly fieldErrors: FieldError[];
  readonly method: string;
  readonly path: string;
  readonly retryable: boolean;
  readonly outcomeUnknown: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit) {
    super(init.message, init.hint);
    this.status = init.status;
    this.code = init.code;
    this.serverMessage = init.serverMessage;
    this.fieldErrors = init.fieldErrors ?? [];
    this.method = init.method;
    this.path = init.path;
    this.retryable = init.retryable;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** This error with some fields replaced (errors are values: never mutated). */
  with(patch: Partial<ApiErrorInit>): ApiError {
    return new ApiError({
      message: this.message,
      hint: this.hint,
      status: this.status,
      code: this.code,
      serverMessage: this.serverMessage,
      fieldErrors: this.fieldErrors,
      method: this.method,
      path: this.path,
      retryable: this.retryable,
      outcomeUnknown: this.outcomeUnknown,
      retryAfterMs: this.retryAfterMs,
      ...patch,
    });
  }
}

/** The code of the error raised when RD refuses a create because the target URL did not answer 2xx. */
export const TARGET_URL_REJECTED = 'TARGET_URL_REJECTED';

/** Whether an error looks like RD's refusal of a second webhook with the same (event_type, url). */
export function isDuplicateError(e: { status?: number; code?: string; serverMessage?: string }): boolean {
  if (e.status === 409) return true;
  const text = `${e.code ?? ''} ${e.serverMessage ?? ''}`;
  return /DUPLICAT|ALREADY|TAKEN|UNIQUE|duplicad/i.test(text);
}

const CREDENTIAL_HINT =
  'Check the credentials: RDSTATION_ACCESS_TOKEN may be expired, revoked or from another account; ' +
  'or set RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET and RDSTATION_REFRESH_TOKEN so rdhooks can refresh it.';

/** What to do when trading an authorization code failed, by RD's error_type. */
function codeHint(status: number, code: string | undefined): string | undefined {
  if (code === 'ACCESS_DENIED') {
    return "RD Station did not accept the client id and secret: check RDSTATION_CLIENT_ID and RDSTATION_CLIENT_SECRET (or --client-id / --client-secret) against the app's credentials.";
  }
  if (code === 'EXPIRED_CODE_GRANT' || code === 'INVALID_CODE_GRANT' || ((status === 400 || status === 401) && code === undefined)) {
    return 'An authorization code works once and for 1 hour: start again with `rdhooks auth url`, authorize the app, and exchange the new code right away.';
  }
  if (status === 400 || status === 401 || status === 403) {
    return 'Check the client id and secret and the code; codes work once and for 1 hour: start again with `rdhooks auth url` if in doubt.';
  }
  return undefined;
}

function hintFor(status: number, op: Operation | undefined, duplicate: boolean, code?: string): string | undefined {
  if (op === 'code') {
    const hint = codeHint(status, code);
    if (hint) return hint;
  }
  if (op === 'token') {
    if (status === 400 || status === 401 || status === 403) {
      return 'Check RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET and RDSTATION_REFRESH_TOKEN; if the refresh token was revoked, authorize the app again to get a new one (rdhooks auth url, then rdhooks auth exchange).';
    }
  }
  if (duplicate) {
    return "RD Station keeps one webhook per (event_type, url): pin the existing webhook's uuid in the manifest instead of creating another, then plan again.";
  }
  switch (status) {
    case 400:
    case 422:
      return 'Fix the fields named above in the manifest (see the documented values of event_type, url and include_relations), then plan again.';
    case 401:
      return CREDENTIAL_HINT;
    case 403:
      return 'The OAuth app is not allowed to manage webhooks in this account: check the user who authorized it and its permissions.';
    case 404:
      if (op === 'update') return 'The webhook was deleted outside rdhooks since the plan was made: run rdhooks plan again (it will plan a create).';
      if (op === 'delete') return 'The webhook is already gone (deleted outside rdhooks): run rdhooks plan again to confirm.';
      if (op === 'get') return 'No webhook with that uuid is visible to this integration: fix or remove the pinned uuid in the manifest.';
      return 'Check RDSTATION_API_URL / --api-url: it does not look like the RD Station API.';
    case 415:
      return 'RD Station could not read the body rdhooks sent: this is a bug in rdhooks, please report it.';
    case 429:
      return "RD Station's rate limit was reached: wait a minute and run again, or lower --rate-limit (other integrations share the account's quota).";
    default:
      if (status >= 300 && status < 400) return 'The RD Station API does not redirect: check RDSTATION_API_URL / --api-url (https://api.rd.services, without a path).';
      if (status >= 500) return 'RD Station is failing right now: try again later (rdhooks already retried where it was safe).';
      return undefined;
  }
}

/** Input of apiErrorFromResponse. */
export interface ResponseErrorInput {
  status: number;
  body: string;
  method: string;
  path: string;
  operation?: Operation;
  retryAfterMs?: number;
}

/** Builds the ApiError for an HTTP error response, with a hint that says what to do. */
export function apiErrorFromResponse(input: ResponseErrorInput): ApiError {
  const parsed = parseErrorBody(input.body);
  const duplicate = isDuplicateError({ status: input.status, code: parsed.code, serverMessage: parsed.message });
  const what = parsed.message ? `${parsed.message}${parsed.code && !parsed.message.includes(parsed.code) ? ` (${parsed.code})` : ''}` : (parsed.code ?? 'no details');
  return new ApiError({
    message: `RD Station answered ${input.status} to ${input.method} ${input.path}: ${what}`,
    hint: hintFor(input.status, input.operation, duplicate, parsed.code),
    status: input.status,
    code: parsed.code,
    serverMessage: parsed.message,
    fieldErrors: parsed.fieldErrors,
    method: input.method,
    path: input.path,
    retryable: isTransientStatus(input.status),
    retryAfterMs: input.retryAfterMs ?? parsed.remainingTimeMs,
  });
}

/** The code of the error raised when a 401 on create may be the token or the target URL (no way to refresh and tell). */
export const TOKEN_OR_TARGET_REJECTED = 'TOKEN_OR_TARGET_REJECTED';

/** What to run to see whether a target URL answers as RD wants. */
const PROBE_TARGET = 'check it with rdhooks plan --check-targets';

/** The 401 RD answers to a create when its POST to the target URL did not get a 2xx, with credentials known good. */
export function targetUrlRejected(url: string, method: string, path: string, body: string): ApiError {
  const target = sanitize(url);
  return new ApiError({
    message: `RD Station refused to create the webhook for ${target}: it could not validate the target URL (RD POSTs to it on create and needs a 2xx answer; it answered 401)`,
    hint: `The credentials were accepted (a freshly exchanged access token got the same answer). Make sure ${target} is reachable from the internet over https and answers 2xx to a JSON POST (${PROBE_TARGET}), then apply again.`,
    status: 401,
    code: TARGET_URL_REJECTED,
    serverMessage: parseErrorBody(body).message,
    method,
    path,
    retryable: false,
  });
}

/** A 401 on create with an access token alone: the token or the target URL, and no refresh to tell them apart. */
export function tokenOrTargetRejected(url: string, method: string, path: string, body: string): ApiError {
  const target = sanitize(url);
  return new ApiError({
    message:
      `RD Station answered 401 to the create of the webhook for ${target}: either the access token is invalid or expired, ` +
      `or RD could not validate the target URL ${target} (RD POSTs to it on create and needs a 2xx answer)`,
    hint:
      `Make sure ${target} answers 2xx to a JSON POST (${PROBE_TARGET}); if it does, renew RDSTATION_ACCESS_TOKEN. ` +
      'With RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET and RDSTATION_REFRESH_TOKEN set, rdhooks refreshes the token and tells the two apart.',
    status: 401,
    code: TOKEN_OR_TARGET_REJECTED,
    serverMessage: parseErrorBody(body).message,
    method,
    path,
    retryable: false,
  });
}
