/** The client's defaults, in one light module: the CLI shows them in --help without loading the HTTP stack. */

/** Defaults of the HTTP client's knobs. */
export const HTTP_DEFAULTS = {
  /** Per-request timeout. */
  timeoutMs: 30_000,
  /** Attempts per call, the first included. */
  maxAttempts: 5,
  /** Budget of one call, retries and waits included. */
  deadlineMs: 120_000,
  /** Client-side limit: RD's documented per-account limit. */
  rateLimitPerMinute: 120,
  /** Largest response body read (100,000 webhooks are about 28 MiB). */
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

/** Node's timers overflow past this many milliseconds (and then fire at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
