import { afterEach, describe, expect, it } from '@jest/globals';
import { executePlan, type ActionReport, type ExecuteOptions } from '../../src/apply/execute.js';
import type { EmulatorHandle, Faults } from '../../src/emulator/server.js';
import type { Manifest } from '../../src/manifest/types.js';
import { planWebhooks } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import type { WebhookApi } from '../../src/rdstation/api.js';
import type { RemoteWebhook } from '../../src/shared/webhook.js';
import { aDesired, aManifest, anAbsent, aWebhook, uuidFor } from '../builders.js';
import { emulatorWith, httpApiFor, writeCalls } from '../helpers/emulator.js';
import { scripted, wireWebhook, type Scripted } from '../helpers/scripted.js';
import { createHttpApi } from '../../src/rdstation/http.js';
import { DUPLICATE_MESSAGE } from '../../src/emulator/store.js';

const OPP = 'WEBHOOK.MARKED_OPPORTUNITY';
const url = (name: string): string => `https://hooks.example.com/${name}`;
const path = (uuid?: string): string => `/integrations/webhooks${uuid ? `/${uuid}` : ''}`;

const handles: (EmulatorHandle | Scripted)[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

async function emulator(webhooks: RemoteWebhook[], faults: Partial<Faults> = {}): Promise<{ handle: EmulatorHandle; api: WebhookApi }> {
  const handle = await emulatorWith(webhooks, faults);
  handles.push(handle);
  return { handle, api: httpApiFor(handle) };
}

/** Lists over HTTP and plans; the request log is cleared so assertions see only what apply does. */
async function planFor(manifest: Manifest, handle: EmulatorHandle, api: WebhookApi): Promise<Plan> {
  const result = planWebhooks(manifest, await api.list(), { apiUrl: handle.url });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  handle.requests.length = 0;
  return result.plan;
}

type Op = 'list' | 'create' | 'update' | 'delete';

/** `api` with `faults` switched on for the `nth` call of `op` (1-based) and off again after it. */
function faultOn(api: WebhookApi, handle: EmulatorHandle, op: Op, faults: Partial<Faults>, nth = 1): WebhookApi {
  let calls = 0;
  const wrap =
    <A extends unknown[], R>(name: Op, f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (name !== op || ++calls !== nth) return f(...args);
      const saved = { ...handle.faults };
      Object.assign(handle.faults, faults);
      try {
        return await f(...args);
      } finally {
        Object.assign(handle.faults, saved);
      }
    };
  return {
    list: wrap('list', api.list.bind(api)),
    get: api.get.bind(api),
    create: wrap('create', api.create.bind(api)),
    update: wrap('update', api.update.bind(api)),
    delete: wrap('delete', api.delete.bind(api)),
    accountInfo: api.accountInfo.bind(api),
  };
}

/** `api`, counting the writes in flight at once. */
function counting(api: WebhookApi): { api: WebhookApi; maxInFlight: () => number } {
  let now = 0;
  let max = 0;
  const track =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      max = Math.max(max, ++now);
      try {
        return await f(...args);
      } finally {
        now--;
      }
    };
  return {
    api: { list: api.list.bind(api), get: api.get.bind(api), create: track(api.create.bind(api)), update: track(api.update.bind(api)), delete: track(api.delete.bind(api)), accountInfo: api.accountInfo.bind(api) },
    maxInFlight: () => max,
  };
}

const run = (plan: Plan, api: WebhookApi, options: Partial<ExecuteOptions> = {}) => executePlan(plan, api, { concurrency: 4, ...options });

/** Each action as `action address: outcome`. */
const outcomes = (actions: ActionReport[]): string[] => actions.map((a) => `${a.action} ${a.address}: ${a.outcome}`);

describe('executePlan over HTTP against the emulator', () => {
  it('makes exactly the planned writes: deletes, then updates by wave, then creates', async () => {
    // b moves onto c's url while c moves away from it: c's update is wave 0, b's wave 1.
    const b = aWebhook({ url: url('b') });
    const c = aWebhook({ url: url('c') });
    const gone = aWebhook({ url: url('gone') });
    const kept = aWebhook({ url: url('kept'), event_type: OPP });
    const { handle, api } = await emulator([b, c, gone, kept]);
    const manifest = aManifest({
      webhooks: [
        aDesired({ name: 'b', uuid: b.uuid, url: url('c') }),
        aDesired({ name: 'c', uuid: c.uuid, url: url('c2') }),
        aDesired({ name: 'kept', url: url('kept'), event_type: OPP, include_relations: ['COMPANY'] }),
        aDesired({ name: 'new', url: url('new') }),
      ],
      absent: [anAbsent({ uuid: gone.uuid })],
    });
    const plan = await planFor(manifest, handle, api);

    const report = await run(plan, api);

    const writes = writeCalls(handle);
    expect(writes).toHaveLength(5);
    expect(writes[0]).toBe(`DELETE ${path(gone.uuid)}`);
    // Wave 0 (c moves away, kept changes in place) runs concurrently, so its order is free; b's wave 1 follows.
    expect(writes.slice(1, 3).sort()).toEqual([`PUT ${path(c.uuid)}`, `PUT ${path(kept.uuid)}`].sort());
    expect(writes.slice(3)).toEqual([`PUT ${path(b.uuid)}`, `POST ${path()}`]);
    expect(report.interrupted).toBe(false);
    expect(report.actions.map((a) => a.outcome)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(report.actions.every((a) => a.attempts === 1)).toBe(true);
    const after = await planFor(manifest, handle, api);
    expect(after.changes).toEqual([]);
  });

  it('never has more writes in flight than --concurrency, and does use it', async () => {
    const { handle, api } = await emulator([], { latencyMs: 40 });
    const manifest = aManifest({ webhooks: Array.from({ length: 9 }, (_, i) => aDesired({ url: url(`n${i}`) })) });
    const plan = await planFor(manifest, handle, api);
    const counted = counting(api);

    const report = await run(plan, counted.api, { concurrency: 3 });

    expect(counted.maxInFlight()).toBe(3);
    expect(handle.count('POST', path())).toBe(9);
    expect(report.actions.every((a) => a.outcome === 'done')).toBe(true);
  });

  it('runs no write of a phase before every write of the previous phase has finished', async () => {
    const olds = Array.from({ length: 4 }, (_, i) => aWebhook({ url: url(`old${i}`) }));
    const moved = Array.from({ length: 4 }, (_, i) => aWebhook({ url: url(`m${i}`) }));
    const { handle, api } = await emulator([...olds, ...moved], { latencyMs: 15 });
    const manifest = aManifest({
      webhooks: [
        ...moved.map((m, i) => aDesired({ uuid: m.uuid, url: url(`m${i}-moved`) })),
        // The new webhooks take the urls the deletes and the updates free.
        ...olds.map((_o, i) => aDesired({ url: url(`old${i}`), include_relations: ['COMPANY'] })),
        ...moved.map((_m, i) => aDesired({ url: url(`m${i}`), event_identifiers: ['x'] })),
      ],
      absent: olds.map((o) => anAbsent({ uuid: o.uuid })),
    });
    const plan = await planFor(manifest, handle, api);

    const report = await run(plan, api, { concurrency: 4 });

    const methods = writeCalls(handle).map((w) => w.split(' ')[0]);
    expect(methods).toEqual([...Array(4).fill('DELETE'), ...Array(4).fill('PUT'), ...Array(8).fill('POST')]);
    expect(report.actions.every((a) => a.outcome === 'done')).toBe(true);
  });

  it('adopts a create whose answer was lost after it landed, with exactly one POST', async () => {
    const { handle, api } = await emulator([]);
    const manifest = aManifest({ webhooks: [aDesired({ name: 'lost', url: url('lost') })] });
    const plan = await planFor(manifest, handle, api);

    const report = await run(plan, faultOn(api, handle, 'create', { dropAfterCommit: 1 }));

    expect(handle.count('POST', path())).toBe(1);
    expect(handle.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 0', 'GET 200']);
    const [created] = handle.store.snapshot();
    expect(report.actions).toEqual([expect.objectContaining({ action: 'create', address: 'lost', outcome: 'adopted', uuid: created?.uuid, attempts: 1 })]);
    expect(handle.store.snapshot()).toHaveLength(1);
  });

  it('retries a create answered 5xx once a fresh list shows it did not land', async () => {
    const { handle, api } = await emulator([]);
    const manifest = aManifest({ webhooks: [aDesired({ name: 'flaky', url: url('flaky') })] });
    const plan = await planFor(manifest, handle, api);

    const report = await run(plan, faultOn(api, handle, 'create', { failRate: 1 }));

    expect(handle.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${path()}`, `GET ${path()}`, `POST ${path()}`]);
    expect(handle.requests[0]?.status).toBeGreaterThanOrEqual(500);
    expect(report.actions).toEqual([expect.objectContaining({ outcome: 'done', attempts: 2 })]);
    expect(handle.store.snapshot()).toHaveLength(1);
  });

  it('fails a create answered 5xx when the fresh list fails too, without posting again', async () => {
    const { handle, api } = await emulator([]);
    const manifest = aManifest({ webhooks: [aDesired({ name: 'down', url: url('down') })] });
    const plan = await planFor(manifest, handle, api);
    handle.faults.failRate = 1;

    const report = await run(plan, api, { maxCreateAttempts: 3 });

    // Each fresh list is retried by the client too (3 attempts), and fails: the create stops there.
    expect(handle.count('POST', path())).toBe(1);
    expect(report.actions).toEqual([expect.objectContaining({ outcome: 'failed', attempts: 1 })]);
    expect(report.actions[0]?.message).toMatch(/GET \/integrations\/webhooks/);
  });

  it('stops retrying a create after maxCreateAttempts POSTs answered 5xx', async () => {
    const { handle, api } = await emulator([]);
    const manifest = aManifest({ webhooks: [aDesired({ name: 'down', url: url('down') })] });
    const plan = await planFor(manifest, handle, api);
    const failingPosts = faultOn(faultOn(api, handle, 'create', { failRate: 1 }, 1), handle, 'create', { failRate: 1 }, 2);

    const report = await run(plan, failingPosts, { maxCreateAttempts: 2 });

    expect(handle.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'POST', 'GET']);
    expect(report.actions).toEqual([expect.objectContaining({ outcome: 'failed', attempts: 2 })]);
    expect(handle.store.snapshot()).toHaveLength(0);
  });

  it('starts no new POST after an interrupt, even mid-create', async () => {
    const { handle, api } = await emulator([]);
    const plan = await planFor(aManifest({ webhooks: [aDesired({ name: 'down', url: url('down') })] }), handle, api);
    const controller = new AbortController();
    // The first POST fails with a 5xx; Ctrl-C arrives while the create re-lists to see whether it landed.
    const failing = faultOn(api, handle, 'create', { failRate: 1 });
    const interrupting: WebhookApi = { ...failing, list: () => (controller.abort(), failing.list()) };

    const report = await run(plan, interrupting, { signal: controller.signal });

    expect(handle.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(report.interrupted).toBe(true);
    expect(report.actions).toEqual([expect.objectContaining({ outcome: 'failed', attempts: 1, message: expect.stringContaining('interrupted before retrying the create') })]);
  });

  it('counts a DELETE answered 404 as done (already gone)', async () => {
    const gone = aWebhook({ url: url('gone') });
    const { handle, api } = await emulator([gone]);
    const plan = await planFor(aManifest({ absent: [anAbsent({ uuid: gone.uuid })] }), handle, api);
    await handle.store.delete(gone.uuid);

    const report = await run(plan, api);

    expect(handle.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`DELETE ${path(gone.uuid)} 404`]);
    expect(report.actions).toEqual([expect.objectContaining({ action: 'delete', outcome: 'already_gone', attempts: 1 })]);
  });

  it('reports an update answered 404 as deleted outside rdhooks, and goes on with the rest', async () => {
    const a = aWebhook({ url: url('a') });
    const b = aWebhook({ url: url('b') });
    const { handle, api } = await emulator([a, b]);
    const manifest = aManifest({
      webhooks: [
        aDesired({ name: 'a', url: url('a'), include_relations: ['COMPANY'] }),
        aDesired({ name: 'b', url: url('b'), include_relations: ['COMPANY'] }),
        aDesired({ name: 'c', url: url('c') }),
      ],
    });
    const plan = await planFor(manifest, handle, api);
    await handle.store.delete(a.uuid);

    const report = await run(plan, api, { concurrency: 1 });

    expect(writeCalls(handle)).toEqual([`PUT ${path(a.uuid)}`, `PUT ${path(b.uuid)}`, `POST ${path()}`]);
    expect(outcomes(report.actions)).toEqual(['update a: failed', 'update b: done', 'create c: done']);
    expect(report.actions[0]?.message).toContain(`webhook ${a.uuid} was deleted outside rdhooks`);
  });

  it('skips a create whose blocking delete failed, and still runs the independent ones', async () => {
    const old = aWebhook({ url: url('reused') });
    const { handle, api } = await emulator([old]);
    const manifest = aManifest({
      webhooks: [aDesired({ name: 'reused', url: url('reused'), include_relations: ['COMPANY'] }), aDesired({ name: 'other', url: url('other') })],
      absent: [anAbsent({ uuid: old.uuid })],
    });
    const plan = await planFor(manifest, handle, api);
    expect(plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual([`delete ${old.uuid}`, 'create other', 'create reused']);

    const report = await run(plan, faultOn(api, handle, 'delete', { failRate: 1 }));

    // The client retried the DELETE (3 attempts); the create onto its url never went out.
    expect(writeCalls(handle)).toEqual([`DELETE ${path(old.uuid)}`, `DELETE ${path(old.uuid)}`, `DELETE ${path(old.uuid)}`, `POST ${path()}`]);
    expect(outcomes(report.actions)).toEqual([`delete ${old.uuid}: failed`, 'create other: done', 'create reused: skipped']);
    expect(report.actions[2]).toMatchObject({ attempts: 0, message: expect.stringContaining(`needs ${old.uuid} to delete first`) });
  });

  it('holds back an update while a listed duplicate of its url is not deleted, since RD refuses the PUT then', async () => {
    // RD lists two webhooks on one (event_type, url) (it should not, but the planner copes): the entry adopts
    // one and prune deletes the other; the emulator, like RD, refuses a write onto a key another webhook holds.
    const keep = aWebhook({ uuid: uuidFor('keep'), url: url('dup') });
    const extra = aWebhook({ uuid: uuidFor('extra'), url: url('dup') });
    const { handle, api } = await emulator([keep, extra]);
    const manifest = aManifest({ prune: true, webhooks: [aDesired({ name: 'dup', url: url('dup'), include_relations: ['COMPANY'] })] });
    const plan = await planFor(manifest, handle, api);
    expect(plan.changes.map((c) => c.action)).toEqual(['delete', 'update']);
    const deleted = plan.changes[0] && 'uuid' in plan.changes[0] ? plan.changes[0].uuid : '';

    const report = await run(plan, faultOn(api, handle, 'delete', { failRate: 1 }));

    expect(writeCalls(handle)).toEqual(Array(3).fill(`DELETE ${path(deleted)}`));
    expect(report.actions.map((a) => a.outcome)).toEqual(['failed', 'skipped']);
  });

  it('starts nothing once the signal is aborted; the writes in flight finish', async () => {
    const { handle, api } = await emulator([], { latencyMs: 30 });
    const manifest = aManifest({ webhooks: ['a', 'b', 'c', 'd', 'e'].map((n) => aDesired({ name: n, url: url(n) })) });
    const plan = await planFor(manifest, handle, api);
    const controller = new AbortController();

    const report = await run(plan, api, { concurrency: 2, signal: controller.signal, onAction: () => controller.abort() });

    expect(report.interrupted).toBe(true);
    expect(handle.count('POST', path())).toBe(2);
    expect(report.actions.map((a) => a.outcome)).toEqual(['done', 'done', 'not_started', 'not_started', 'not_started']);
    expect(report.actions[4]).toMatchObject({ attempts: 0, message: 'not started: the run was interrupted' });
    expect(handle.store.snapshot()).toHaveLength(2);
  });

  it('starts no later phase once aborted', async () => {
    const gone = aWebhook({ url: url('gone') });
    const { handle, api } = await emulator([gone]);
    const manifest = aManifest({ webhooks: [aDesired({ name: 'new', url: url('new') })], absent: [anAbsent({ uuid: gone.uuid })] });
    const plan = await planFor(manifest, handle, api);
    const controller = new AbortController();

    const report = await run(plan, api, { signal: controller.signal, onAction: () => controller.abort() });

    expect(writeCalls(handle)).toEqual([`DELETE ${path(gone.uuid)}`]);
    expect(outcomes(report.actions)).toEqual([`delete ${gone.uuid}: done`, 'create new: not_started']);
  });

  it('reports every action once, in plan order, with attempts and a duration', async () => {
    const a = aWebhook({ url: url('a') });
    const { handle, api } = await emulator([a]);
    const manifest = aManifest({ webhooks: [aDesired({ name: 'a', url: url('a'), include_relations: ['COMPANY'] }), aDesired({ name: 'z', url: url('z') })] });
    const plan = await planFor(manifest, handle, api);
    const seen: string[] = [];
    let clock = 0;

    const report = await run(plan, api, { now: () => (clock += 5), onAction: (r, finished, total) => seen.push(`${finished}/${total} ${r.address}`) });

    expect(seen).toEqual(['1/2 a', '2/2 z']);
    expect(report.actions).toEqual([
      { action: 'update', address: 'a', uuid: a.uuid, outcome: 'done', durationMs: 5, attempts: 1 },
      { action: 'create', address: 'z', uuid: handle.store.snapshot().find((w) => w.url === url('z'))?.uuid, outcome: 'done', durationMs: 5, attempts: 1 },
    ]);
  });

  it('adopts a create whose timed-out POST landed after the fresh list, when the retry is refused as a duplicate', async () => {
    // No emulator ordering makes a POST land between the list and the retry, so a scripted server does.
    const landed = wireWebhook({ uuid: uuidFor('late'), url: url('late') });
    const answers = [
      'hang' as const, // the first POST: no answer before the client's timeout
      { status: 200, body: { webhooks: [] } }, // the fresh list misses it...
      { status: 422, body: { errors: [{ error_type: 'DUPLICATED_URL', error_message: DUPLICATE_MESSAGE, path: '$.body.url' }] } }, // ...it lands, the retry collides
      { status: 200, body: { webhooks: [landed] } },
    ];
    const server = await scripted((_req, i) => answers[i] ?? { status: 500 });
    handles.push(server);
    const api = createHttpApi({ apiUrl: server.url, auth: { accessToken: 'token' }, timeoutMs: 150, maxAttempts: 1, sleep: async () => undefined });
    const result = planWebhooks(aManifest({ webhooks: [aDesired({ name: 'late', url: url('late') })] }), [], { apiUrl: server.url });
    if (!result.ok) throw new Error('no plan');

    const report = await run(result.plan, api);

    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'POST', 'GET']);
    expect(report.actions).toEqual([expect.objectContaining({ outcome: 'adopted', uuid: landed.uuid, attempts: 2 })]);
  });
});
