/** A loopback HTTP server answering from a script, recording every request: for client tests over real HTTP. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the server received. */
export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One scripted answer: a status, headers and body; or 'reset' to drop the connection; or 'hang' never to answer. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string | object } | 'reset' | 'hang';

/** A running scripted server. */
export interface Scripted {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

/** Starts a server that answers each request with `handler(request, index)`. */
export async function scripted(handler: (req: Recorded, index: number) => Answer): Promise<Scripted> {
  const requests: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const rec: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(rec);
      const answer = handler(rec, requests.length - 1);
      if (answer === 'reset') return void req.socket.resetAndDestroy();
      if (answer === 'hang') return;
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'Content-Type': typeof answer.body === 'object' ? 'application/json' : 'text/html', ...answer.headers }).end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A webhook object as RD answers it. */
export function wireWebhook(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: 'aaaaaaaa-0000-4000-8000-000000000001',
    event_type: 'WEBHOOK.CONVERTED',
    entity_type: 'CONTACT',
    url: 'https://hooks.example.com/a',
    http_method: 'POST',
    event_identifiers: [],
    include_relations: [],
    ...overrides,
  };
}
