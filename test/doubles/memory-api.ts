/**
 * MemoryWebhookApi, the in-memory test double of WebhookApi: the emulator's store behind the same wire format and
 * error parsing as the HTTP client, so the contract tests hold for both.
 */
import type { AccountInfo, Operation, WebhookApi } from '../../src/rdstation/api.js';
import { apiErrorFromResponse, targetUrlRejected } from '../../src/rdstation/errors.js';
import { ACCOUNT_INFO_PATH, WEBHOOKS_PATH, webhookPath } from '../../src/rdstation/paths.js';
import { accountFromWire, fromWire, listFromWire, parseJsonLossless, stringifyWithLargeIds, toRequestBody } from '../../src/rdstation/wire.js';
import { DEFAULT_ACCOUNT_NAME } from '../../src/emulator/accounts.js';
import { EmulatorStore, type StoreOptions, type StoreReply } from '../../src/emulator/store.js';
import type { RemoteWebhook, WebhookSpec } from '../../src/shared/webhook.js';

/** The operations, as counted by MemoryWebhookApi. */
export type ApiOperation = 'list' | 'get' | 'create' | 'update' | 'delete' | 'account';

/** One call MemoryWebhookApi received. */
export interface ApiCall {
  op: ApiOperation;
  uuid?: string;
  spec?: WebhookSpec;
}

/** Counts and logs every call, for tests that assert exact API traffic. */
export class MemoryWebhookApi implements WebhookApi {
  readonly store: EmulatorStore;
  /** Every call in order. */
  readonly log: ApiCall[] = [];
  /** Errors to throw on the next calls of an operation, before touching the store. */
  private readonly failures = new Map<ApiOperation, Error[]>();

  constructor(
    options: StoreOptions | EmulatorStore = {},
    /** What accountInfo() answers. */
    readonly accountName: string = DEFAULT_ACCOUNT_NAME,
  ) {
    this.store = options instanceof EmulatorStore ? options : new EmulatorStore(options);
  }

  /** How many calls of each operation were made. */
  get calls(): Record<ApiOperation, number> {
    const counts: Record<ApiOperation, number> = { list: 0, get: 0, create: 0, update: 0, delete: 0, account: 0 };
    for (const c of this.log) counts[c.op]++;
    return counts;
  }

  /** The create, update and delete calls, in order. */
  writes(): ApiCall[] {
    return this.log.filter((c) => c.op === 'create' || c.op === 'update' || c.op === 'delete');
  }

  /** Forgets the call log. */
  resetCalls(): void {
    this.log.length = 0;
  }

  /** Makes the next call of `op` throw `error` (queue several to fail several calls). */
  failNext(op: ApiOperation, error: Error): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), error]);
  }

  /** Marks a webhook suspended, as RD does with a failing target. */
  suspend(uuid: string): Promise<boolean> {
    return this.store.suspend(uuid);
  }

  async list(): Promise<RemoteWebhook[]> {
    this.record({ op: 'list' });
    return listFromWire(roundTrip(this.reply(this.store.list(), 'list', 'GET', WEBHOOKS_PATH)));
  }

  async get(uuid: string): Promise<RemoteWebhook> {
    this.record({ op: 'get', uuid });
    return fromWire(roundTrip(this.reply(this.store.get(uuid), 'get', 'GET', webhookPath(uuid))));
  }

  async create(spec: WebhookSpec): Promise<RemoteWebhook> {
    this.record({ op: 'create', spec: structuredClone(spec) });
    const reply = await this.store.create(roundTrip(toRequestBody(spec)));
    // As in the HTTP client: no credentials can be wrong here, so a 401 on create is the target URL.
    if (reply.status === 401) throw targetUrlRejected(spec.url, 'POST', WEBHOOKS_PATH, stringifyWithLargeIds(reply.body));
    return fromWire(roundTrip(this.reply(reply, 'create', 'POST', WEBHOOKS_PATH)));
  }

  async update(uuid: string, spec: WebhookSpec): Promise<RemoteWebhook> {
    this.record({ op: 'update', uuid, spec: structuredClone(spec) });
    const path = webhookPath(uuid);
    return fromWire(roundTrip(this.reply(await this.store.update(uuid, roundTrip(toRequestBody(spec))), 'update', 'PUT', path)));
  }

  async delete(uuid: string): Promise<void> {
    this.record({ op: 'delete', uuid });
    this.reply(await this.store.delete(uuid), 'delete', 'DELETE', webhookPath(uuid));
  }

  async accountInfo(): Promise<AccountInfo> {
    this.record({ op: 'account' });
    return accountFromWire(roundTrip(this.reply({ status: 200, body: { name: this.accountName } }, 'account', 'GET', ACCOUNT_INFO_PATH)));
  }

  private record(call: ApiCall): void {
    this.log.push(call);
    const queued = this.failures.get(call.op);
    const next = queued?.shift();
    if (next) throw next;
  }

  private reply(reply: StoreReply, op: Operation, method: string, path: string): unknown {
    if (reply.status >= 200 && reply.status < 300) return reply.body;
    throw apiErrorFromResponse({ status: reply.status, body: stringifyWithLargeIds(reply.body ?? ''), method, path, operation: op });
  }
}

/** Through JSON text and back, as over HTTP: no shared references, large ids kept as text. */
function roundTrip(value: unknown): unknown {
  return value === undefined ? undefined : parseJsonLossless(stringifyWithLargeIds(value));
}
