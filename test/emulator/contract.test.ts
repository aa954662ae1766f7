/**
 * One contract, two implementations: the emulator over real HTTP through the got client, and the in-memory
 * MemoryWebhookApi unit tests use. Both must agree on every behaviour below.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { WebhookApi } from '../../src/rdstation/api.js';
import { isDuplicateError, TARGET_URL_REJECTED } from '../../src/rdstation/errors.js';
import { createHttpApi } from '../../src/rdstation/http.js';
import type { WireWebhook } from '../../src/rdstation/wire.js';
import { DEFAULT_ACCOUNT_NAME, startEmulator } from '../../src/emulator/server.js';
import { MemoryWebhookApi } from '../doubles/memory-api.js';
import { targetAnswers2xx } from '../../src/emulator/server.js';
import { normalizeSpec, type WebhookSpec } from '../../src/shared/webhook.js';
import { scripted, type Scripted } from '../helpers/scripted.js';
import { failure } from '../helpers/failure.js';

interface Harness {
  api: WebhookApi;
  seed(webhooks: WireWebhook[]): void;
  suspend(uuid: string): Promise<void>;
  validateUrls(on: boolean): void;
  close(): Promise<void>;
}

/** A clock that moves one second per reading, so updated_at visibly changes. */
function ticking(): () => number {
  let t = Date.parse('2025-03-01T10:00:00.000Z');
  return () => (t += 1000);
}

const implementations: [string, () => Promise<Harness>][] = [
  [
    'MemoryWebhookApi',
    async () => {
      const api = new MemoryWebhookApi({ now: ticking() });
      return {
        api,
        seed: (ws) => ws.forEach((w) => api.store.load(w)),
        suspend: async (uuid) => void (await api.suspend(uuid)),
        validateUrls: (on) => void (api.store.validateUrl = on ? targetAnswers2xx : undefined),
        close: async () => undefined,
      };
    },
  ],
  [
    'emulator over HTTP',
    async () => {
      const e = await startEmulator({ now: ticking() });
      // Refresh credentials, as in CI: the client exchanges them on first use.
      const { clientId, clientSecret, refreshToken } = e.credentials;
      const api = createHttpApi({ apiUrl: e.url, auth: { refresh: { clientId, clientSecret, refreshToken } }, sleep: async () => undefined });
      return {
        api,
        seed: (ws) => ws.forEach((w) => e.store.load(w)),
        suspend: async (uuid) => void (await e.store.suspend(uuid)),
        validateUrls: (on) => void (e.faults.validateUrls = on),
        close: () => e.close(),
      };
    },
  ],
];

const conv: WebhookSpec = normalizeSpec({
  event_type: 'WEBHOOK.CONVERTED',
  url: 'https://hooks.example.com/conv',
  event_identifiers: ['newsletter', 'ebook'],
  include_relations: ['COMPANY', 'CONTACT_FUNNEL'],
});
const deal: WebhookSpec = normalizeSpec({ event_type: 'crm_deal_created', url: 'https://hooks.example.com/deal' });

describe.each(implementations)('WebhookApi contract: %s', (_name, make) => {
  let h: Harness;
  let target: Scripted | undefined;
  beforeEach(async () => {
    h = await make();
  });
  afterEach(async () => {
    await h.close();
    await target?.close();
    target = undefined;
  });

  it('lists nothing in an empty account', async () => {
    expect(await h.api.list()).toEqual([]);
  });

  it('names the account', async () => {
    expect(await h.api.accountInfo()).toEqual({ name: DEFAULT_ACCOUNT_NAME });
  });

  it('creates with the server-set fields', async () => {
    const w = await h.api.create(conv);
    expect(w).toEqual({
      ...conv,
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'active',
      source: 'MKT',
      created_at: expect.stringMatching(/^2025-03-01T10:00:\d\d\.000Z$/),
      updated_at: w.created_at,
      platform_account_id: '818000000000436400',
    });
    expect((await h.api.create(deal)).source).toBe('CRM');
  });

  it('lists and gets what was created, sets compared as sets', async () => {
    const w = await h.api.create(conv);
    expect(await h.api.list()).toEqual([w]);
    expect(await h.api.get(w.uuid)).toEqual(w);
    expect(w.include_relations).toEqual(['COMPANY', 'CONTACT_FUNNEL']);
    expect(w.event_identifiers).toEqual(['ebook', 'newsletter']);
  });

  it('drops event_identifiers for event types other than WEBHOOK.CONVERTED', async () => {
    const w = await h.api.create(normalizeSpec({ event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://hooks.example.com/o', event_identifiers: ['x'] }));
    expect(w.event_identifiers).toEqual([]);
  });

  it('updates the whole object, keeping uuid, created_at and status', async () => {
    const w = await h.api.create(conv);
    const next = normalizeSpec({ event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://hooks.example.com/moved', include_relations: ['COMPANY'] });
    const u = await h.api.update(w.uuid, next);
    expect(u).toEqual({ ...w, ...next, updated_at: expect.not.stringMatching(w.updated_at as string) });
    expect(await h.api.list()).toEqual([u]);
  });

  it('deletes', async () => {
    const w = await h.api.create(conv);
    await h.api.delete(w.uuid);
    expect(await h.api.list()).toEqual([]);
  });

  it.each([
    ['get', (api: WebhookApi) => api.get('00000000-0000-4000-8000-000000000000'), 'GET'],
    ['update', (api: WebhookApi) => api.update('00000000-0000-4000-8000-000000000000', conv), 'PUT'],
    ['delete', (api: WebhookApi) => api.delete('00000000-0000-4000-8000-000000000000'), 'DELETE'],
  ])('answers 404 to %s of an unknown uuid', async (op, call, method) => {
    const e = await failure(call(h.api));
    expect(e).toMatchObject({ status: 404, code: 'RESOURCE_NOT_FOUND', method, path: '/integrations/webhooks/00000000-0000-4000-8000-000000000000', retryable: false });
    if (op === 'update') expect(e.hint).toMatch(/deleted outside rdhooks/);
  });

  it('keeps one webhook per (event_type, url), on create and on update', async () => {
    const w = await h.api.create(conv);
    const dup = await failure(h.api.create({ ...conv, event_identifiers: [] }));
    expect(dup).toMatchObject({ status: 422, code: 'DUPLICATED_URL', method: 'POST' });
    expect(isDuplicateError(dup)).toBe(true);
    const other = await h.api.create({ ...deal, url: conv.url });
    expect((await failure(h.api.update(other.uuid, conv))).status).toBe(422);
    expect((await h.api.list()).map((x) => x.uuid).sort()).toEqual([w.uuid, other.uuid].sort());
    // Updating a webhook to its own (event_type, url) is not a duplicate.
    await h.api.update(w.uuid, { ...conv, include_relations: [] });
  });

  it('validates required fields and enums in RD error shape', async () => {
    const bad = await failure(h.api.create({ ...conv, event_type: 'WEBHOOK.NOPE' }));
    expect(bad).toMatchObject({ status: 400, code: 'INVALID_OPTION', retryable: false });
    expect(bad.fieldErrors).toEqual([
      { field: 'event_type', code: 'INVALID_OPTION', message: 'Must be one of the valid options.', validOptions: expect.arrayContaining(['WEBHOOK.CONVERTED', 'crm_deal_deleted']) },
    ]);
    const rel = await failure(h.api.create({ ...deal, include_relations: ['FRIENDS'] }));
    expect(rel.fieldErrors[0]).toMatchObject({ field: 'include_relations', validOptions: ['COMPANY', 'CONTACT_FUNNEL'] });
    const empty = await failure(h.api.create({ ...deal, url: '' }));
    expect(empty.fieldErrors[0]).toMatchObject({ field: 'url', code: 'CANNOT_BE_NULL' });
    expect(await h.api.list()).toEqual([]);
  });

  it('lists legacy webhooks without status, source or timestamps', async () => {
    h.seed([{ uuid: '5408c5a3-4711-4f2e-8d0b-13407a3e30f3', event_type: 'WEBHOOK.CONVERTED', entity_type: 'CONTACT', url: 'http://my-url.com', http_method: 'POST', include_relations: [] }]);
    expect(await h.api.list()).toEqual([
      { uuid: '5408c5a3-4711-4f2e-8d0b-13407a3e30f3', event_type: 'WEBHOOK.CONVERTED', entity_type: 'CONTACT', url: 'http://my-url.com', http_method: 'POST', event_identifiers: [], include_relations: [] },
    ]);
  });

  it('shows a suspended webhook, and an update does not reactivate it', async () => {
    const w = await h.api.create(conv);
    await h.suspend(w.uuid);
    expect((await h.api.get(w.uuid)).status).toBe('suspended');
    expect((await h.api.update(w.uuid, { ...conv, include_relations: [] })).status).toBe('suspended');
  });

  it('refuses a create whose target URL does not answer 2xx, as a target problem', async () => {
    target = await scripted((r) => (r.path === '/ok' ? { status: 200, body: {} } : { status: 503, body: 'down' }));
    h.validateUrls(true);
    const e = await failure(h.api.create({ ...deal, url: `${target.url}/down` }));
    expect(e).toMatchObject({ status: 401, code: TARGET_URL_REJECTED, method: 'POST' });
    expect(e.message).toContain(`${target.url}/down`);
    expect(await h.api.list()).toEqual([]);
    await expect(h.api.create({ ...deal, url: `${target.url}/ok` })).resolves.toMatchObject({ url: `${target.url}/ok` });
  });
});
