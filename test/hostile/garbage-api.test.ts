/**
 * An API that answers garbage: the client and `rdhooks export` must end with a clear error (or handle it
 * correctly) within bounded attempts and memory, never with a crash, a hang or a stack trace. Nothing here
 * asserts how fast: a hang guard of tens of seconds, attempt counts, and a size-to-time ratio measured in the
 * same run hold on a busy machine.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHttpApi, type HttpApiOptions } from '../../src/rdstation/http.js';
import { ApiError } from '../../src/rdstation/errors.js';
import { rdhooks } from '../helpers/cli.js';
import { wireWebhook } from '../helpers/scripted.js';

/** How the test server answers one request. */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const json = (status: number, body: string): Handler => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
};

/** A list body of `n` distinct webhooks, built as text so 100,000 of them stay cheap to make. */
function bigList(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const hex = i.toString(16).padStart(12, '0');
    parts.push(
      `{"uuid":"aaaaaaaa-0000-4000-8000-${hex}","event_type":"WEBHOOK.CONVERTED","entity_type":"CONTACT",` +
        `"url":"https://hooks.example.com/h/${i}","http_method":"POST","event_identifiers":["lead-${i % 7}"],` +
        `"include_relations":["COMPANY"],"status":"active","platform_account_id":818000000000436400}`,
    );
  }
  return `{"webhooks":[${parts.join(',')}]}`;
}

const HUNDRED_THOUSAND = bigList(100_000);

/** Streams a list body that never ends until the client hangs up (or `capBytes` is sent). */
const endless = (capBytes: number): Handler => (req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const chunk = `${JSON.stringify(wireWebhook({ url: `https://hooks.example.com/${'x'.repeat(900)}` }))},`.repeat(64);
  let sent = 0;
  res.write('{"webhooks":[');
  const pump = (): void => {
    while (sent < capBytes && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end('null]}');
  };
  req.socket.on('close', () => res.destroy());
  pump();
};

/** Scenarios that must end in an ApiError whose message matches `error`. */
const FAILING: { name: string; handler: Handler; error: RegExp; code?: string }[] = [
  { name: 'truncated JSON', handler: json(200, '{"webhooks": [{"uuid": "a", "event_ty'), error: /could not be read/, code: 'INVALID_RESPONSE' },
  { name: 'an empty 200', handler: json(200, ''), error: /could not be read/, code: 'INVALID_RESPONSE' },
  { name: '"webhooks" of the wrong type', handler: json(200, '{"webhooks": "nope"}'), error: /"webhooks" is not an array/, code: 'INVALID_RESPONSE' },
  { name: 'a list that is an array', handler: json(200, '[]'), error: /not a JSON object/, code: 'INVALID_RESPONSE' },
  { name: 'a list that is null', handler: json(200, 'null'), error: /not a JSON object/, code: 'INVALID_RESPONSE' },
  {
    name: 'a numeric url',
    handler: json(200, JSON.stringify({ webhooks: [wireWebhook({ url: 5 })] })),
    error: /"url" is number, expected a string/,
    code: 'INVALID_RESPONSE',
  },
  {
    name: 'event_identifiers as a string',
    handler: json(200, JSON.stringify({ webhooks: [wireWebhook({ event_identifiers: 'x' })] })),
    error: /"event_identifiers" is not an array of strings/,
    code: 'INVALID_RESPONSE',
  },
  {
    name: 'a webhook without uuid',
    handler: json(200, JSON.stringify({ webhooks: [wireWebhook({ uuid: undefined })] })),
    error: /has no "uuid"/,
    code: 'INVALID_RESPONSE',
  },
  { name: 'a webhook that is a string', handler: json(200, '{"webhooks": ["x"]}'), error: /not a JSON object/, code: 'INVALID_RESPONSE' },
  {
    name: 'an HTML page with 200',
    handler: (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><html><head><title>Sign in</title></head><body>portal</body></html>'),
    error: /could not be read/,
    code: 'INVALID_RESPONSE',
  },
  {
    name: 'a 200 carrying an error body',
    handler: json(200, '{"errors": {"error_type": "UNAUTHORIZED", "error_message": "Invalid token."}}'),
    error: /error body \("Invalid token\."\)/,
    code: 'INVALID_RESPONSE',
  },
  {
    name: 'a 200 carrying a bare error',
    handler: json(200, '{"error": "invalid_request", "error_description": "The access token is missing"}'),
    error: /error body \("The access token is missing"\)/,
    code: 'INVALID_RESPONSE',
  },
  { name: 'JSON nested 400,000 deep', handler: json(200, `{"webhooks":${'['.repeat(400_000)}${']'.repeat(400_000)}}`), error: /could not be read/, code: 'INVALID_RESPONSE' },
  { name: 'a redirect', handler: (_req, res) => void res.writeHead(302, { Location: 'https://evil.example/' }).end(), error: /answered 302/ },
  {
    name: 'a body shorter than its Content-Length',
    handler: (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"webhooks": [');
      setTimeout(() => req.socket.destroy(), 20);
    },
    error: /failed \(|timed out/,
  },
  { name: 'headers and then nothing', handler: (_req, res) => void res.writeHead(200, { 'Content-Type': 'application/json' }).flushHeaders(), error: /timed out/, code: 'TIMEOUT' },
  { name: 'no answer at all', handler: () => undefined, error: /timed out/, code: 'TIMEOUT' },
  { name: 'a connection closed at once', handler: (req) => void req.socket.destroy(), error: /failed \((ECONNRESET|ERR_STREAM_PREMATURE_CLOSE|socket hang up)/ },
  { name: 'a gigantic body', handler: endless(16 * 1024 * 1024), error: /larger than 1 MiB/, code: 'RESPONSE_TOO_LARGE' },
  {
    name: 'a gigantic Content-Length',
    handler: (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(10 * 1024 ** 3) });
      res.write('{"webhooks": [');
    },
    error: /larger than 1 MiB/,
    code: 'RESPONSE_TOO_LARGE',
  },
];

let server: Server;
let url: string;
let handler: Handler = json(200, '{"webhooks": []}');
/** Requests the server received since the test began. */
let received = 0;
const sockets = new Set<Socket>();

beforeEach(() => {
  received = 0;
});

/** Settles with `p`, or fails the test if it takes longer than a hang would: far beyond any timeout the client has. */
async function hangGuard<T>(p: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no outcome after ${ms / 1000} s: the client hung`)), ms);
  });
  try {
    return await Promise.race([p, hung]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    // Whose account it is answers well (and is not counted): the garbage is in the webhook calls.
    if (req.url === '/marketing/account_info') return void json(200, '{"name": "Acme"}')(req, res);
    received++;
    handler(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

/** A client with short timeouts and no real backoff waits, so each failure shows within a second or two. */
function client(options: Partial<HttpApiOptions> = {}) {
  return createHttpApi({
    apiUrl: url,
    auth: { accessToken: 'garbage-test-token-123' },
    timeoutMs: 500,
    maxAttempts: 2,
    deadlineMs: 3000,
    maxResponseBytes: 1024 * 1024,
    sleep: async () => undefined,
    ...options,
  });
}

describe('the HTTP client against an API answering garbage', () => {
  it.each(FAILING)('$name: a clear ApiError', async ({ handler: h, error, code }) => {
    handler = h;
    const err = await hangGuard(
      client()
        .list()
        .then(
          () => undefined,
          (e: unknown) => e,
        ),
    );
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.message).toMatch(error);
    if (code) expect(e.code).toBe(code);
    expect(e.hint).toEqual(expect.any(String));
    // One paragraph: the CLI prints message and hint on a line each.
    expect(`${e.message}${e.hint ?? ''}`).not.toMatch(/[\n\r]/);
    // Bounded: at most the two attempts the client allows, then it stops.
    expect(received).toBeGreaterThanOrEqual(1);
    expect(received).toBeLessThanOrEqual(2);
  });

  it('reads a list of 100,000 webhooks, in time linear in its size', async () => {
    const big = client({ maxResponseBytes: undefined, timeoutMs: 60_000, deadlineMs: 60_000 });
    handler = json(200, HUNDRED_THOUSAND);
    const list = await big.list();
    expect(list).toHaveLength(100_000);
    expect(list[99_999]).toMatchObject({ url: 'https://hooks.example.com/h/99999', platform_account_id: '818000000000436400' });
    // Time at n and 4n, interleaved and best of three so that other work on the machine evens out: linear reading
    // takes about 4 times as long, quadratic 16 times.
    const quarter = bigList(25_000);
    const timeOf = async (body: string): Promise<number> => {
      handler = json(200, body);
      const started = performance.now();
      await big.list();
      return performance.now() - started;
    };
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < 3; i++) {
      small.push(await timeOf(quarter));
      large.push(await timeOf(HUNDRED_THOUSAND));
    }
    expect(Math.min(...large) / Math.min(...small)).toBeLessThan(10);
  }, 120_000);

  it('takes a body just under the limit', async () => {
    const body = JSON.stringify({ webhooks: [wireWebhook({ url: `https://hooks.example.com/${'y'.repeat(1000)}` })] });
    handler = json(200, body);
    expect(await client({ maxResponseBytes: body.length }).list()).toHaveLength(1);
  });
});

describe('rdhooks export against an API answering garbage', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'rdhooks-garbage-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const env = { RDSTATION_ACCESS_TOKEN: 'garbage-test-token-123' };
  const args = (timeout = 1, deadline = 3): string[] => ['export', '--api-url', url, '--timeout', String(timeout), '--deadline', String(deadline), '--retries', '1'];

  const CLI_CASES = FAILING.filter((c) => !/gigantic|redirect|deep|array|null|string|bare/.test(c.name));

  it.each(CLI_CASES)('$name: exit 1 with one clear error paragraph', async ({ handler: h, error }) => {
    handler = h;
    // The helper kills a run after 20 s (exit code null): the hang guard.
    const r = await rdhooks(args(), { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // "error: what happened" then an indented hint: nothing else, in particular no stack trace.
    expect(r.stderr).toMatch(/^error: [^\n]+\n {2}[^\n]+\n$/);
    expect(r.stderr).toMatch(error);
    expect(r.stderr).not.toMatch(/unexpected failure|^\s+at /m);
    expect(r.stderr).not.toContain('garbage-test-token-123');
    // --retries 1: two attempts at most, then it stops.
    expect(received).toBeGreaterThanOrEqual(1);
    expect(received).toBeLessThanOrEqual(2);
  });

  it('a gigantic body: exit 1, refused at 64 MiB', async () => {
    handler = endless(200 * 1024 * 1024);
    const r = await rdhooks(args(60, 60), { cwd, env, timeoutMs: 90_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: RD Station's answer to GET \/integrations\/webhooks is larger than 64 MiB/);
    expect(r.stderr).not.toMatch(/unexpected failure|^\s+at /m);
    // A body too large is not worth another attempt.
    expect(received).toBe(1);
  }, 120_000);

  it('exports 100,000 webhooks within bounded memory', async () => {
    handler = json(200, HUNDRED_THOUSAND);
    // The child reports its peak resident memory; a heap cap makes unbounded growth a crash, not a slow pass.
    const probe = join(cwd, 'maxrss.cjs');
    await writeFile(probe, "process.on('exit', () => require('node:fs').writeSync(2, `maxrss-kib ${process.resourceUsage().maxRSS}\\n`));\n");
    // --timeout, --deadline and the helper's kill are hang guards only: a busy machine may take its time.
    const r = await rdhooks([...args(60, 90), '--out', 'big.yaml'], {
      cwd,
      env: { ...env, NODE_OPTIONS: `--max-old-space-size=512 --require ${probe}` },
      timeoutMs: 90_000,
    });
    expect(r.stderr).toContain('Exported 100000 webhooks to big.yaml.');
    expect(r.code).toBe(0);
    const maxRssMiB = Number(/maxrss-kib (\d+)/.exec(r.stderr)?.[1]) / 1024;
    expect(maxRssMiB).toBeGreaterThan(0);
    expect(maxRssMiB).toBeLessThan(1024);
    expect(received).toBe(1);
  }, 120_000);
});
