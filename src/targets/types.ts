/** What probing a webhook target sends, and what it found. */

/** The User-Agent of every probe, so a receiver can recognise it and not treat it as a lead. */
export const PROBE_USER_AGENT = 'rdhooks-target-check';

/** The body of every probe: the shape of RD Station's payload with no lead in it. */
export const PROBE_BODY = '{"leads":[]}';

/** RD Station gives up on a delivery after 5 s; a probe waits no longer by default. */
export const DEFAULT_PROBE_TIMEOUT_MS = 5000;

/** The target answered 2xx: `status` and the milliseconds from start to the answer. */
export interface ProbeSuccess {
  url: string;
  ok: true;
  status: number;
  ms: number;
}

/** Why a probe failed: the answer was not 2xx, or the target could not be reached, resolved or trusted. */
export type ProbeFailureKind = 'status' | 'timeout' | 'dns' | 'tls' | 'network' | 'private' | 'invalid';

/**
 * A probe that failed. `detail` completes a sentence that starts with the target URL ("answered 500 Internal
 * Server Error") and is safe to print: remote text stripped of control characters, URL credentials masked.
 */
export interface ProbeFailure {
  url: string;
  ok: false;
  kind: ProbeFailureKind;
  /** The HTTP status, for `status` failures. */
  status?: number;
  /** The refused address, for `private` failures. */
  address?: string;
  detail: string;
}

/** How one target answered a probe. */
export type ProbeResult = ProbeSuccess | ProbeFailure;
