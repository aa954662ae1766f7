/** The transport: one HTTP request and its whole answer, bounded in time and size. The only module that imports got. */
import got, { RequestError } from 'got';
import { VERSION } from '../shared/version.js';
import type { Headers } from './retry.js';

/** One request: an absolute URL, the bearer token if any, a JSON body if any. */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  token?: string;
  body?: unknown;
  /** For the whole exchange, connection included. */
  timeoutMs: number;
  /** Largest body read; a bigger one fails with ResponseTooLarge. */
  maxResponseBytes: number;
}

/** A whole answer, whatever its status. */
export interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

/** No whole answer arrived: a connection error or a timeout. `code` is Node's or got's (ECONNRESET, ETIMEDOUT, …). */
export class NetworkFailure extends Error {
  override readonly name = 'NetworkFailure';
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The answer was larger than allowed; reading stopped. */
export class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge';
}

/** Sends one request, never retried here and never following a redirect; answers of any status resolve. */
export async function send(request: TransportRequest): Promise<Reply> {
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': `rdhooks/${VERSION}` };
  if (request.token !== undefined) headers.Authorization = `Bearer ${request.token}`;
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const pending = got(request.url, {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    throwHttpErrors: false,
    retry: { limit: 0 },
    followRedirect: false,
    timeout: { request: Math.max(1, request.timeoutMs) },
    responseType: 'text',
  });
  // got buffers the whole body: without a cap, a broken proxy or a hostile server could exhaust memory.
  let tooLarge = false;
  pending.on('downloadProgress', (p: { transferred: number; total?: number }) => {
    if (!tooLarge && (p.transferred > request.maxResponseBytes || (p.total ?? 0) > request.maxResponseBytes)) {
      tooLarge = true;
      pending.cancel();
    }
  });
  try {
    const res = await pending;
    return { status: res.statusCode, headers: res.headers, body: res.body };
  } catch (err) {
    if (tooLarge) throw new ResponseTooLarge(`the answer is larger than ${request.maxResponseBytes} bytes`);
    const code = err instanceof RequestError ? err.code : undefined;
    throw new NetworkFailure(code, err instanceof Error ? err.message : String(err));
  }
}
