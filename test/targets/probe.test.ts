import { afterEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { probeTargets, type Lookup, type ProbeOptions } from '../../src/targets/probe.js';
import { describeProbeFailure } from '../../src/targets/failures.js';
import { PROBE_BODY, PROBE_USER_AGENT, type ProbeFailure, type ProbeResult } from '../../src/targets/types.js';
import { scripted, type Answer, type Recorded } from '../helpers/scripted.js';
import { tempDirs } from '../helpers/tmp.js';

const HANG_GUARD_MS = 20_000;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A scripted server on loopback, closed after the test. */
async function serve(handler: (req: Recorded, index: number) => Answer) {
  const server = await scripted(handler);
  closers.push(server.close);
  return { ...server, port: new URL(server.url).port };
}

/** Any node:net, node:http or node:https server listening on 127.0.0.1, closed after the test; its port. */
async function listen(server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s).size);
  server.on('secureConnection', (s: Socket) => sockets.add(s).size);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** A lookup answering `addresses` for every name, counting its calls. */
function answering(...addresses: string[]): Lookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { calls });
}

/** A lookup that fails the way node:dns does, with `code`. */
function failing(code: string): Lookup {
  return async (hostname) => {
    throw Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, hostname });
  };
}

/** Probes one url; its result. */
async function probeOne(url: string, options: Partial<ProbeOptions> = {}): Promise<ProbeResult> {
  const results = await probeTargets([url], { allowPrivate: false, ...options });
  const result = results.get(url);
  if (!result) throw new Error(`no result for ${url}`);
  return result;
}

/** The failure a probe of `url` ends with, and its message. */
async function failureOf(url: string, options: Partial<ProbeOptions> = {}): Promise<ProbeFailure & { message: string }> {
  const result = await probeOne(url, options);
  if (result.ok) throw new Error(`expected ${url} to fail, it answered ${result.status}`);
  return { ...result, message: describeProbeFailure(result) };
}

const loopbackName = { allowPrivate: true, lookup: answering('127.0.0.1') };

describe('the probe request', () => {
  it('is a JSON POST with the recognisable User-Agent, no lead in it, sent to the name it was given', async () => {
    const server = await serve(() => ({ status: 204 }));
    const url = `http://hooks.example.com:${server.port}/rd/converted?source=rd`;
    const result = await probeOne(url, loopbackName);
    expect(result).toEqual({ url, ok: true, status: 204, ms: expect.any(Number) });
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/rd/converted?source=rd', body: '{"leads":[]}' });
    expect(req?.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': '12',
      'user-agent': 'rdhooks-target-check',
      host: `hooks.example.com:${server.port}`,
    });
    expect([PROBE_BODY, PROBE_USER_AGENT]).toEqual(['{"leads":[]}', 'rdhooks-target-check']);
  });

  it('probes a target once however many spellings of it are listed, and answers for each spelling', async () => {
    const server = await serve(() => ({ status: 200 }));
    const lookup = answering('127.0.0.1');
    const spellings = [
      `http://hooks.example.com:${server.port}/x`,
      `HTTP://Hooks.Example.COM:${server.port}/x`,
      `http://hooks.example.com:${server.port}/a/../x`,
    ];
    const other = `http://hooks.example.com:${server.port}/y`;
    const results = await probeTargets([...spellings, other], { allowPrivate: true, lookup });
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/x', '/y']);
    expect(lookup.calls).toEqual(['hooks.example.com', 'hooks.example.com']);
    expect([...results.keys()]).toEqual([...spellings, other]);
    for (const url of [...spellings, other]) expect(results.get(url)).toMatchObject({ url, ok: true, status: 200 });
  });

  it('sends the user info of a URL as Basic authorization and masks it, and query values, in messages', async () => {
    const server = await serve(() => ({ status: 401 }));
    const url = `http://rd:s3cret@hooks.example.com:${server.port}/x?token=abc123`;
    const failure = await failureOf(url, loopbackName);
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('rd:s3cret').toString('base64')}`);
    expect(failure.message).toBe(`http://***:***@hooks.example.com:${server.port}/x?token=*** answered 401 Unauthorized`);
  });

  it('probes no more targets at once than its concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
      most = Math.max(most, ++inFlight);
      req.resume();
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 50);
    });
    const port = await listen(server);
    const urls = Array.from({ length: 7 }, (_, i) => `http://127.0.0.1:${port}/${i}`);
    const results = await probeTargets(urls, { allowPrivate: true, concurrency: 2 });
    expect([...results.values()].every((r) => r.ok)).toBe(true);
    expect(most).toBe(2);
  });
});

describe('answers that are not 2xx', () => {
  it.each([
    [500, 'answered 500 Internal Server Error'],
    [404, 'answered 404 Not Found'],
    [503, 'answered 503 Service Unavailable'],
  ])('%s is a failure naming the status', async (status, said) => {
    const server = await serve(() => ({ status, body: 'nope' }));
    const url = `http://hooks.example.com:${server.port}/x`;
    const failure = await failureOf(url, loopbackName);
    expect(failure).toMatchObject({ kind: 'status', status });
    expect(failure.message).toBe(`${url} ${said}`);
  });

  it('reports a redirect as what it is and does not follow it', async () => {
    const server = await serve(() => ({ status: 301, headers: { Location: `http://u:p@127.0.0.1:0/followed?k=v` } }));
    const url = `http://hooks.example.com:${server.port}/x`;
    const failure = await failureOf(url, loopbackName);
    expect(failure).toMatchObject({ kind: 'status', status: 301 });
    expect(failure.message).toBe(
      `${url} answered 301 Moved Permanently, redirecting to http://***:***@127.0.0.1:0/followed?k=***; redirects are not followed: point the webhook at the final address`,
    );
    expect(server.requests.map((r) => r.path)).toEqual(['/x']);
  });

  it('strips control characters from the reason phrase a server sends', async () => {
    const server = createNetServer((c) => c.once('data', () => c.end('HTTP/1.1 500 Bad\x1b[31m Thing\x07\r\nContent-Length: 0\r\n\r\n')));
    const port = await listen(server);
    const failure = await failureOf(`http://127.0.0.1:${port}/`, { allowPrivate: true });
    expect(failure.message).toBe(`http://127.0.0.1:${port}/ answered 500 Bad Thing`);
  });

  it('uses the standard reason phrase when the server sends none', async () => {
    const server = createNetServer((c) => c.once('data', () => c.end('HTTP/1.1 502 \r\nContent-Length: 0\r\n\r\n')));
    const port = await listen(server);
    expect((await failureOf(`http://127.0.0.1:${port}/`, { allowPrivate: true })).message).toMatch(/ answered 502 Bad Gateway$/);
  });
});

describe('answers it does not wait for', () => {
  it(
    'a target that never answers is a timeout',
    async () => {
      const server = await serve(() => 'hang');
      const url = `http://hooks.example.com:${server.port}/x`;
      const failure = await failureOf(url, { ...loopbackName, timeoutMs: 200 });
      expect(failure).toMatchObject({ kind: 'timeout' });
      expect(failure.message).toBe(`${url} did not answer within 0.2 s`);
      expect(server.requests).toHaveLength(1);
    },
    HANG_GUARD_MS,
  );

  it(
    'a lookup that never answers is a timeout',
    async () => {
      const failure = await failureOf('https://slow-dns.example.com/x', { timeoutMs: 200, lookup: () => new Promise(() => undefined) });
      expect(failure).toMatchObject({ kind: 'timeout', detail: 'did not resolve within 0.2 s' });
    },
    HANG_GUARD_MS,
  );

  it(
    'an endless body is not read to its end: a 2xx is a success once the status is in',
    async () => {
      const chunk = Buffer.alloc(16 * 1024, 'a');
      let sent = 0;
      const server = createHttpServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        const pump = (): void => {
          while (!res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
        };
        pump();
      });
      const port = await listen(server);
      // A timeout beyond the hang guard: only the cap on what is read can end this probe in time.
      const result = await probeOne(`http://127.0.0.1:${port}/`, { allowPrivate: true, timeoutMs: 120_000 });
      expect(result).toMatchObject({ ok: true, status: 200 });
      expect(sent).toBeGreaterThan(64 * 1024);
    },
    HANG_GUARD_MS,
  );
});

describe('connections that fail', () => {
  it('a closed port is refused', async () => {
    const server = createNetServer();
    const port = await listen(server);
    await new Promise<void>((r) => server.close(() => r()));
    const failure = await failureOf(`http://127.0.0.1:${port}/x`, { allowPrivate: true });
    expect(failure).toMatchObject({ kind: 'network' });
    expect(failure.message).toBe(`http://127.0.0.1:${port}/x refused the connection (ECONNREFUSED)`);
  });

  it('a dropped connection is a network failure', async () => {
    const server = await serve(() => 'reset');
    const failure = await failureOf(`http://127.0.0.1:${server.port}/x`, { allowPrivate: true });
    expect(failure).toMatchObject({ kind: 'network', detail: 'closed the connection without answering (ECONNRESET)' });
  });

  it('an answer that is not HTTP is a network failure', async () => {
    const server = createNetServer((c) => c.once('data', () => c.end('SSH-2.0-OpenSSH_9.6\r\n')));
    const port = await listen(server);
    const failure = await failureOf(`http://127.0.0.1:${port}/x`, { allowPrivate: true });
    expect(failure.kind).toBe('network');
    expect(failure.detail).toMatch(/^answered something that is not HTTP \(HPE_[A-Z_]+\)$/);
  });
});

describe('TLS', () => {
  const tempDir = tempDirs('targets-tls');

  /** An https server on 127.0.0.1 with a self-signed certificate for localhost and 127.0.0.1 made by openssl now. */
  async function selfSigned(): Promise<{ port: number; requests: string[] }> {
    const dir = await tempDir();
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
    ]);
    const requests: string[] = [];
    const server = createHttpsServer({ key: await readFile(key), cert: await readFile(cert) }, (req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200).end();
    });
    return { port: await listen(server), requests };
  }

  it(
    'a self-signed certificate is a TLS failure naming the problem, and nothing is posted',
    async () => {
      const server = await selfSigned();
      for (const url of [`https://127.0.0.1:${server.port}/x`, `https://localhost:${server.port}/x`]) {
        const failure = await failureOf(url, loopbackName);
        expect(failure).toMatchObject({ kind: 'tls' });
        expect(failure.message).toBe(`${url} has a TLS certificate problem: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`);
      }
      expect(server.requests).toEqual([]);
    },
    HANG_GUARD_MS,
  );

  it('https to a server that speaks plain http is a TLS handshake failure', async () => {
    const server = await serve(() => ({ status: 200 }));
    const failure = await failureOf(`https://127.0.0.1:${server.port}/x`, { allowPrivate: true });
    expect(failure.kind).toBe('tls');
    expect(failure.detail).toMatch(/^failed the TLS handshake: wrong version number/);
    expect(server.requests).toEqual([]);
  });
});

describe('DNS', () => {
  it('a name that does not resolve is a dns failure', async () => {
    const failure = await failureOf('https://nowhere.example.com/x', { lookup: failing('ENOTFOUND') });
    expect(failure).toMatchObject({ kind: 'dns' });
    expect(failure.message).toBe('https://nowhere.example.com/x host not found (ENOTFOUND)');
  });

  it('a lookup that fails otherwise says so', async () => {
    const failure = await failureOf('https://flaky.example.com/x', { lookup: failing('EAI_AGAIN') });
    expect(failure).toMatchObject({ kind: 'dns', detail: 'host lookup failed: getaddrinfo EAI_AGAIN flaky.example.com' });
  });

  it('a name with no addresses is a dns failure', async () => {
    const failure = await failureOf('https://empty.example.com/x', { lookup: answering() });
    expect(failure).toMatchObject({ kind: 'dns', detail: 'host not found (no addresses)' });
  });
});

describe('private targets', () => {
  const hint = '; set targets: {allow_private: true} in the manifest to allow it';

  it('are refused by default, literal or resolved, and nothing is sent', async () => {
    const server = await serve(() => ({ status: 200 }));
    const literal = await failureOf(`http://127.0.0.1:${server.port}/x`);
    expect(literal).toMatchObject({ kind: 'private', address: '127.0.0.1' });
    expect(literal.message).toBe(`http://127.0.0.1:${server.port}/x points at 127.0.0.1, a loopback address${hint}`);
    const named = await failureOf('https://intranet.example.com/x', { lookup: answering('10.0.0.5') });
    expect(named).toMatchObject({ kind: 'private', address: '10.0.0.5' });
    expect(named.message).toBe(`https://intranet.example.com/x resolves to 10.0.0.5, a private address${hint}`);
    const localhost = await failureOf(`http://localhost:${server.port}/x`);
    expect(localhost).toMatchObject({ kind: 'private' });
    expect(server.requests).toEqual([]);
  });

  it('are refused when any address of the name is private', async () => {
    const failure = await failureOf('https://split.example.com/x', { lookup: answering('203.0.113.7', 'fd00::5') });
    expect(failure.message).toBe(`https://split.example.com/x resolves to fd00::5, a unique-local address${hint}`);
  });

  it.each([
    ['http://[::1]/x', '::1, a loopback address'],
    ['http://[::ffff:10.0.0.5]/x', '::ffff:a00:5, a private address'],
    ['http://0x7f.1/x', '127.0.0.1, a loopback address'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254, a link-local address'],
    ['http://100.64.1.1/x', '100.64.1.1, a shared (CGNAT) address'],
    ['http://0.0.0.0/x', '0.0.0.0, an unspecified address'],
    ['http://224.0.0.1/x', '224.0.0.1, a multicast address'],
  ])('literal %s is refused', async (url, said) => {
    const lookup = answering('8.8.8.8');
    const failure = await failureOf(url, { lookup });
    expect(failure.kind).toBe('private');
    expect(failure.detail).toBe(`points at ${said}`);
    expect(lookup.calls).toEqual([]);
  });

  it('are probed with allowPrivate', async () => {
    const server = await serve(() => ({ status: 200 }));
    expect(await probeOne(`http://127.0.0.1:${server.port}/x`, { allowPrivate: true })).toMatchObject({ ok: true, status: 200 });
    expect(server.requests).toHaveLength(1);
  });

  it(
    'never connect when the name resolves to a public address first and to loopback later (DNS rebinding)',
    async () => {
      const server = await serve(() => ({ status: 200 }));
      const answers = ['203.0.113.7', '127.0.0.1'];
      const calls: string[] = [];
      const rebinding: Lookup = async (hostname) => {
        calls.push(hostname);
        const address = answers[Math.min(calls.length, answers.length) - 1] as string;
        return [{ address, family: 4 }];
      };
      // `localhost` is what the system resolver also calls 127.0.0.1: a probe that looked the name up again, by
      // any lookup, would reach the server.
      // How 203.0.113.7 answers depends on the machine's network (nothing, a refusal, an intercepting proxy).
      await probeOne(`http://localhost:${server.port}/x`, { lookup: rebinding, timeoutMs: 500 });
      expect(calls).toEqual(['localhost']);
      expect(server.requests).toEqual([]);
    },
    HANG_GUARD_MS,
  );
});

describe('invalid targets', () => {
  it.each([
    ['ftp://files.example.com/x', 'is not an http(s) URL'],
    ['hooks.example.com/x', 'is not a valid URL'],
    ['http://exa mple.com/x', 'is not a valid URL'],
  ])('%s is invalid', async (url, detail) => {
    const lookup = answering('8.8.8.8');
    expect(await failureOf(url, { lookup })).toMatchObject({ kind: 'invalid', detail });
    expect(lookup.calls).toEqual([]);
  });
});

describe('abort', () => {
  it('an aborted signal starts no probe', async () => {
    const server = await serve(() => ({ status: 200 }));
    const lookup = answering('127.0.0.1');
    const urls = [1, 2, 3].map((i) => `http://hooks.example.com:${server.port}/${i}`);
    const results = await probeTargets(urls, { allowPrivate: true, lookup, signal: AbortSignal.abort() });
    expect(results.size).toBe(0);
    expect(lookup.calls).toEqual([]);
    expect(server.requests).toEqual([]);
  });

  it(
    'aborting stops the probe under way and starts no other; targets not probed are left out',
    async () => {
      const controller = new AbortController();
      const server = await serve((req) => {
        if (req.path === '/2') controller.abort();
        return req.path === '/2' ? 'hang' : { status: 200 };
      });
      const urls = [1, 2, 3, 4].map((i) => `http://127.0.0.1:${server.port}/${i}`);
      const results = await probeTargets(urls, { allowPrivate: true, concurrency: 1, signal: controller.signal });
      expect([...results.keys()]).toEqual([urls[0]]);
      expect(server.requests.map((r) => r.path)).toEqual(['/1', '/2']);
    },
    HANG_GUARD_MS,
  );
});
