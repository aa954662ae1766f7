/** Probing webhook targets the way RD Station checks them on create: a JSON POST that must be answered 2xx. */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { canonicalUrl } from '../shared/url.js';
import { runPool } from '../shared/pool.js';
import { nonPublicRange } from './address.js';
import { dnsFailure, privateFailure, requestFailure, seconds, statusFailure, type ProbeOutcome } from './failures.js';
import { DEFAULT_PROBE_TIMEOUT_MS, PROBE_BODY, PROBE_USER_AGENT, type ProbeResult } from './types.js';

/** Resolves a host name to every address it has, as node:dns/promises `lookup(host, {all: true})` does. */
export type Lookup = (hostname: string, options: { all: true }) => Promise<readonly LookupAddress[]>;

/** How targets are probed. */
export interface ProbeOptions {
  /** Probe targets that resolve to loopback, private and other non-public addresses instead of refusing them. */
  allowPrivate: boolean;
  /** How long one target has, from its lookup to its answer; RD Station's own delivery timeout by default. */
  timeoutMs?: number;
  /** How many targets are probed at once. */
  concurrency?: number;
  /** Host name resolution; node:dns by default. */
  lookup?: Lookup;
  /** Once aborted, no probe starts and those under way stop; their targets are left out of the result. */
  signal?: AbortSignal;
}

// What is read of an answer's body before the connection is dropped: enough to let a small answer end cleanly.
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Probes each target once (URLs with the same canonical form share one probe) and returns a result for every URL
 * as given, in the order given; a URL missing from the map was not probed because `signal` aborted.
 */
export async function probeTargets(urls: readonly string[], options: ProbeOptions): Promise<Map<string, ProbeResult>> {
  const targets = new Set(urls.map((url) => canonicalUrl(url)));
  const outcomes = new Map<string, ProbeOutcome>();
  await runPool(
    [...targets],
    options.concurrency ?? 8,
    async (key) => {
      const outcome = await probeOne(key, options);
      if (outcome) outcomes.set(key, outcome);
    },
    options.signal,
  );
  const results = new Map<string, ProbeResult>();
  for (const url of urls) {
    const outcome = outcomes.get(canonicalUrl(url));
    if (outcome) results.set(url, { url, ...outcome });
  }
  return results;
}

/** One target's outcome, or undefined when the signal aborted first. */
async function probeOne(url: string, options: ProbeOptions): Promise<ProbeOutcome | undefined> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, kind: 'invalid', detail: 'is not a valid URL' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return { ok: false, kind: 'invalid', detail: 'is not an http(s) URL' };
  }

  const host = target.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host) !== 0;
  let addresses: readonly LookupAddress[];
  if (literal) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    const resolved = await resolve(host, options.lookup ?? dnsLookup, timeoutMs, options.signal);
    if (resolved === 'aborted') return undefined;
    if (resolved === 'timeout') return { ok: false, kind: 'timeout', detail: `did not resolve within ${seconds(timeoutMs)}` };
    if ('error' in resolved) return dnsFailure(resolved.error);
    if (resolved.length === 0) return { ok: false, kind: 'dns', detail: 'host not found (no addresses)' };
    addresses = resolved;
  }

  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const range = nonPublicRange(address);
      if (range) return privateFailure(address, range, literal);
    }
  }
  const remaining = Math.max(1, timeoutMs - (performance.now() - started));
  return post(target, addresses, remaining, timeoutMs, started, options.signal);
}

/** The addresses `host` resolves to, its lookup error, or why there is no answer. */
function resolve(
  host: string,
  lookup: Lookup,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<readonly LookupAddress[] | { error: unknown } | 'timeout' | 'aborted'> {
  return new Promise((settle) => {
    if (signal?.aborted) return settle('aborted');
    const onAbort = (): void => done('aborted');
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    function done(value: readonly LookupAddress[] | { error: unknown } | 'timeout' | 'aborted'): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle(value);
    }
    lookup(host, { all: true }).then(done, (error: unknown) => done({ error }));
  });
}

/**
 * A lookup for node:http that answers only the addresses already checked, so the connection goes where the check
 * looked even when the name would now resolve elsewhere (DNS rebinding).
 */
function pinned(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const [first] = addresses;
    if (options.all) callback(null, addresses.map((a) => ({ ...a })));
    else if (first) callback(null, first.address, first.family);
  };
}

/** POSTs the probe body to `target` at `addresses` and reports the answer's status. */
function post(
  target: URL,
  addresses: readonly LookupAddress[],
  remainingMs: number,
  timeoutMs: number,
  started: number,
  signal: AbortSignal | undefined,
): Promise<ProbeOutcome | undefined> {
  return new Promise((settle) => {
    if (signal?.aborted) return settle(undefined);
    let req: ClientRequest | undefined;
    // Set once the status line is in: draining the body after it cannot change the outcome, only end it early.
    let answered: ProbeOutcome | undefined;
    const timer = setTimeout(() => done(answered ?? { ok: false, kind: 'timeout', detail: `did not answer within ${seconds(timeoutMs)}` }), remainingMs);
    const onAbort = (): void => done(undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    function done(outcome: ProbeOutcome | undefined): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req?.destroy();
      settle(outcome);
    }

    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      req = request(target, {
        method: 'POST',
        agent: false,
        lookup: pinned(addresses),
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(PROBE_BODY),
          'User-Agent': PROBE_USER_AGENT,
        },
      });
    } catch (err) {
      return done(requestFailure(err));
    }
    req.on('error', (err) => done(answered ?? requestFailure(err)));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const ms = Math.round(performance.now() - started);
      const location = res.headers.location;
      answered = status >= 200 && status < 300 ? { ok: true, status, ms } : statusFailure(status, res.statusMessage, location);
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_BODY_BYTES) done(answered);
      });
      res.on('end', () => done(answered));
      res.on('error', () => done(answered));
      res.on('close', () => done(answered));
    });
    req.end(PROBE_BODY);
  });
}
