/** Turning what a probe ran into (an answer, an error, an address) into a failure a user can act on, and back to words. */
import { STATUS_CODES } from 'node:http';
import { stripControl } from '../shared/text.js';
import { maskUrl, maskUrlsIn } from '../shared/url.js';
import { RANGE_NAMES, type AddressRange } from './address.js';
import type { ProbeFailure, ProbeSuccess } from './types.js';

/** A probe's result before it is given the URL (or URLs, when several spell one target) it answers for. */
export type ProbeOutcome = Omit<ProbeSuccess, 'url'> | Omit<ProbeFailure, 'url'>;

/** Remote or error text as one printable line: URLs masked, control characters gone, length bounded. */
function printable(text: string): string {
  const line = stripControl(maskUrlsIn(text.replace(/\s+/g, ' '))).trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** `5000` as `5 s`, `200` as `0.2 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** A non-2xx answer: its status, reason phrase (the standard one when the server sent none) and redirect target. */
export function statusFailure(status: number, reason: string | undefined, location: string | undefined): Omit<ProbeFailure, 'url'> {
  const phrase = printable(reason || STATUS_CODES[status] || '');
  const to = status >= 300 && status < 400 && location ? `, redirecting to ${printable(maskUrl(location))}` : '';
  return { ok: false, kind: 'status', status, detail: `answered ${status}${phrase ? ` ${phrase}` : ''}${to}` };
}

/** A target that resolves to (or is) an address that is not public. */
export function privateFailure(address: string, range: AddressRange, literal: boolean): Omit<ProbeFailure, 'url'> {
  const shown = printable(address);
  return { ok: false, kind: 'private', address: shown, detail: `${literal ? 'points at' : 'resolves to'} ${shown}, ${RANGE_NAMES[range]}` };
}

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'ENONAME']);

/** A host name lookup that failed. */
export function dnsFailure(err: unknown): Omit<ProbeFailure, 'url'> {
  const { code, message } = errorParts(err);
  if (code && NOT_FOUND.has(code)) return { ok: false, kind: 'dns', detail: `host not found (${code})` };
  return { ok: false, kind: 'dns', detail: `host lookup failed: ${printable(message)}${code && !message.includes(code) ? ` (${code})` : ''}` };
}

// OpenSSL's certificate verification codes (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, …) and Node's own.
const CERTIFICATE_CODE = /CERT|CRL|SELF_SIGNED|ISSUER|LEAF_SIGNATURE|INVALID_CA|PATH_LENGTH|INVALID_PURPOSE|HOSTNAME_MISMATCH/;
const NETWORK_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'closed the connection without answering',
  EPIPE: 'closed the connection without answering',
  EHOSTUNREACH: 'is unreachable',
  ENETUNREACH: 'is unreachable',
};

/** A request that failed before an answer: a TLS problem, or the connection or the HTTP exchange broke. */
export function requestFailure(err: unknown): Omit<ProbeFailure, 'url'> {
  const { code, message } = errorParts(err);
  if (code && CERTIFICATE_CODE.test(code)) {
    return { ok: false, kind: 'tls', detail: `has a TLS certificate problem: ${printable(message)} (${code})` };
  }
  // Handshake failures carry OpenSSL's reason inside the message: "…:SSL routines:ssl3_get_record:wrong version number:…".
  const ssl = /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1];
  if (ssl || code?.startsWith('ERR_SSL_') || code?.startsWith('ERR_TLS_')) {
    return { ok: false, kind: 'tls', detail: `failed the TLS handshake: ${printable(ssl ?? message)}${code ? ` (${code})` : ''}` };
  }
  if (code?.startsWith('HPE_')) return { ok: false, kind: 'network', detail: `answered something that is not HTTP (${code})` };
  const words = code ? NETWORK_WORDS[code] : undefined;
  if (words) return { ok: false, kind: 'network', detail: `${words} (${code})` };
  return { ok: false, kind: 'network', detail: `could not be reached: ${printable(message)}${code && !message.includes(code) ? ` (${code})` : ''}` };
}

// Duck-typed rather than `instanceof Error`: errors from node:net and node:tls may come from another realm.
function errorParts(err: unknown): { code: string | undefined; message: string } {
  const { code, message } = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : String(err) };
}

/** One line naming the target (credentials masked) and what went wrong, with what to do where rdhooks knows. */
export function describeProbeFailure(result: ProbeFailure): string {
  const target = stripControl(maskUrl(result.url));
  const hint =
    result.kind === 'private'
      ? '; set targets: {allow_private: true} in the manifest to allow it'
      : result.kind === 'status' && result.status !== undefined && result.status >= 300 && result.status < 400
        ? '; redirects are not followed: point the webhook at the final address'
        : '';
  return `${target} ${stripControl(maskUrlsIn(result.detail))}${hint}`;
}
