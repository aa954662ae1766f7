/** An emulator on loopback and the HTTP client pointed at it, as apply and the CLI use them. */
import { afterEach } from '@jest/globals';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator/server.js';
import type { WireWebhook } from '../../src/rdstation/wire.js';
import type { WebhookApi } from '../../src/rdstation/api.js';
import { createHttpApi, type HttpApiOptions } from '../../src/rdstation/http.js';
import type { RemoteWebhook } from '../../src/shared/webhook.js';

/** Starts an emulator holding `webhooks`. */
export function emulatorWith(webhooks: readonly RemoteWebhook[], options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({ ...options, seed: webhooks as unknown as WireWebhook[] });
}

/** The real HTTP client for `handle`: no waits between retries and no client-side rate limit, so tests stay fast. */
export function httpApiFor(handle: EmulatorHandle, options: Partial<HttpApiOptions> = {}): WebhookApi {
  return createHttpApi({
    apiUrl: handle.url,
    auth: { accessToken: handle.issueToken() },
    sleep: async () => undefined,
    rateLimitPerMinute: 1_000_000,
    maxAttempts: 3,
    timeoutMs: 10_000,
    ...options,
  });
}

/** The write requests the emulator handled, in order, as `METHOD path`. */
export function writeCalls(handle: EmulatorHandle): string[] {
  return handle.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
}

/** Returns a function that starts emulators; every one it started is closed after each test of the file. */
export function emulators(): (options?: EmulatorOptions) => Promise<EmulatorHandle> {
  const running: EmulatorHandle[] = [];
  afterEach(async () => {
    for (const e of running.splice(0)) await e.close();
  });
  return async (options = {}) => {
    const e = await startEmulator(options);
    running.push(e);
    return e;
  };
}
