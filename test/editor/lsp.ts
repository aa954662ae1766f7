/**
 * A minimal Language Server Protocol client over stdio, enough to drive yaml-language-server as an editor does:
 * JSON-RPC 2.0 messages framed by Content-Length headers, requests matched to responses by id, notifications
 * kept for waitFor, and answers to the few requests a server sends its client.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { pathToFileURL } from 'node:url';

interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

/** A notification the server sent. */
export interface Notification {
  method: string;
  params: unknown;
}

export interface LanguageClientOptions {
  /** The server's command line. */
  command: string;
  args: string[];
  cwd: string;
  /** The answer to workspace/configuration, by section (`yaml`, `http`, …); null for the others. */
  settings: Record<string, unknown>;
  /** How long a request or waitFor may take before it fails: a hang guard. */
  timeoutMs: number;
}

/** A running language server and the client side of its connection. */
export class LanguageClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number | string, (m: Message) => void>();
  private readonly notifications: Notification[] = [];
  private readonly waiters = new Set<() => void>();
  private stderrText = '';

  constructor(private readonly options: LanguageClientOptions) {
    this.child = spawn(options.command, options.args, { cwd: options.cwd, stdio: 'pipe' });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderrText += d));
  }

  /** What the server wrote to stderr, for failure messages. */
  get stderr(): string {
    return this.stderrText;
  }

  /** Sends a request and resolves with its result; rejects on an error response or after the timeout. */
  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return this.guard(`${method} request`, new Promise((resolve, reject) => {
      this.pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      this.send({ jsonrpc: '2.0', id, method, params });
    }));
  }

  /** Sends a notification. */
  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The first notification, received or still to come, for which `match` holds. */
  waitFor(what: string, match: (n: Notification) => boolean): Promise<Notification> {
    return this.guard(what, new Promise((resolve) => {
      const check = () => {
        const found = this.notifications.find(match);
        if (!found) return;
        this.waiters.delete(check);
        resolve(found);
      };
      this.waiters.add(check);
      check();
    }));
  }

  /** Asks the server to shut down and exit; kills it if it has not within the timeout. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const kill = setTimeout(() => this.child.kill('SIGKILL'), this.options.timeoutMs);
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
    } catch {
      this.child.kill('SIGKILL');
    }
    await exited;
    clearTimeout(kill);
  }

  private guard<T>(what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} within ${this.options.timeoutMs} ms; server stderr:\n${this.stderrText}`)), this.options.timeoutMs);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  private send(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/^Content-Length: *(\d+)/im.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (!Number.isInteger(length)) throw new Error(`a message without Content-Length: ${this.buffer.subarray(0, headerEnd).toString()}`);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(message);
    }
  }

  private dispatch(m: Message): void {
    if (m.method !== undefined && m.id !== undefined) {
      this.send({ jsonrpc: '2.0', id: m.id, result: this.answer(m.method, m.params) });
    } else if (m.method !== undefined) {
      this.notifications.push({ method: m.method, params: m.params });
      for (const w of [...this.waiters]) w();
    } else if (m.id !== undefined) {
      this.pending.get(m.id)?.(m);
      this.pending.delete(m.id);
    }
  }

  /** The client's side of the requests a server makes: configuration from `settings`; null acknowledges the rest. */
  private answer(method: string, params: unknown): unknown {
    if (method !== 'workspace/configuration') return null;
    const items = (params as { items?: { section?: string }[] }).items ?? [];
    return items.map((i) => this.options.settings[i.section ?? ''] ?? null);
  }
}

/**
 * yaml-language-server started over stdio in `dir` and initialized as an editor does, validating files against the
 * schema their modeline names only (no schema store catalog, which would be fetched from the network).
 */
export async function startYamlLanguageServer(dir: string, serverPath: string, timeoutMs: number): Promise<LanguageClient> {
  const server = new LanguageClient({
    command: process.execPath,
    args: [serverPath, '--stdio'],
    cwd: dir,
    settings: { yaml: { validate: true, hover: false, completion: false, format: { enable: false }, schemaStore: { enable: false } }, http: { proxy: '', proxyStrictSSL: true } },
    timeoutMs,
  });
  const rootUri = pathToFileURL(dir).href;
  await server.request('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'repo' }],
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: {} } },
  });
  server.notify('initialized', {});
  server.notify('workspace/didChangeConfiguration', { settings: { yaml: { validate: true, schemaStore: { enable: false } } } });
  return server;
}
