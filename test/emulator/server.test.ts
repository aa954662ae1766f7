import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator/server.js';
import { createHttpApi } from '../../src/rdstation/http.js';
import { ApiError } from '../../src/rdstation/errors.js';
import { normalizeSpec } from '../../src/shared/webhook.js';
import { readWebhooksFile } from '../../src/emulator/state.js';
import { apiFixturePath } from '../helpers/fixtures.js';

let emulator: EmulatorHandle | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function start(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  emulator = await startEmulator(options);
  return emulator;
}

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rdhooks-emu-'));
  dirs.push(d);
  return d;
}

const body = {
  event_type: 'WEBHOOK.CONVERTED', entity_type: 'CONTACT', url: 'https://hooks.example.com/a', http_method: 'POST',
  event_identifiers: ['a', 'b'], include_relations: ['COMPANY', 'CONTACT_FUNNEL'],
};

async function call(e: EmulatorHandle, method: string, path: string, init: { body?: unknown; token?: string | null; type?: string } = {}) {
  const headers: Record<string, string> = {};
  const token = init.token === undefined ? e.issueToken() : init.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['Content-Type'] = init.type ?? 'application/json';
  const res = await fetch(`${e.url}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('POST /auth/token', () => {
  it('exchanges a code once (JSON, ?token_by=code), with the configured token lifetime', async () => {
    const e = await start({ tokenLifetimeSec: 7200 });
    const { clientId, clientSecret, authCode } = e.credentials;
    const first = await call(e, 'POST', '/auth/token?token_by=code', { token: null, body: { client_id: clientId, client_secret: clientSecret, code: authCode } });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ access_token: expect.any(String), expires_in: 7200, refresh_token: e.credentials.refreshToken });
    const again = await call(e, 'POST', '/auth/token?token_by=code', { token: null, body: { client_id: clientId, client_secret: clientSecret, code: authCode } });
    expect(again.status).toBe(401);
    expect(JSON.parse(again.text)).toEqual({ errors: { error_type: 'EXPIRED_CODE_GRANT', error_message: 'The authorization code grant has expired.' } });
    const token = (JSON.parse(first.text) as { access_token: string }).access_token;
    expect((await call(e, 'GET', '/integrations/webhooks', { token })).status).toBe(200);
  });

  it('refreshes, form-encoded with grant_type=refresh_token or JSON without it', async () => {
    const e = await start();
    const { clientId, clientSecret, refreshToken } = e.credentials;
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken }).toString();
    expect((await call(e, 'POST', '/auth/token', { token: null, body: form, type: 'application/x-www-form-urlencoded' })).status).toBe(200);
    expect((await call(e, 'POST', '/auth/token', { token: null, body: { client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken } })).status).toBe(200);
  });

  it.each([
    [{ client_secret: 'x', refresh_token: 'y' }, 400, 'CANNOT_BE_NULL'],
    [{ client_id: 'rdhooks-emulator', client_secret: 'wrong', refresh_token: 'y' }, 401, 'ACCESS_DENIED'],
    [{ client_id: 'rdhooks-emulator', client_secret: 'rdhooks-emulator-secret', refresh_token: 'wrong' }, 401, 'INVALID_REFRESH_TOKEN'],
  ])('refuses %j with %i %s', async (params, status, type) => {
    const e = await start();
    const r = await call(e, 'POST', '/auth/token', { token: null, body: params });
    expect(r.status).toBe(status);
    expect(r.text).toContain(type);
  });

  it('answers 415 to another content type', async () => {
    const e = await start();
    const r = await call(e, 'POST', '/auth/token', { token: null, body: 'x', type: 'text/plain' });
    expect(r.status).toBe(415);
    expect(JSON.parse(r.text)).toMatchObject({ errors: { error_type: 'UNSUPPORTED_MEDIA_TYPE' } });
  });
});

describe('authentication', () => {
  it('answers a missing token with the OAuth error body', async () => {
    const e = await start();
    const r = await call(e, 'GET', '/integrations/webhooks', { token: null });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text)).toEqual({ error: 'invalid_request', error_description: 'The access token is missing' });
  });

  it.each([['expired', (e: EmulatorHandle) => e.issueToken(-1)], ['unknown', () => 'never-issued']])('answers an %s token with the expired_token header', async (_n, token) => {
    const e = await start();
    const r = await call(e, 'GET', '/integrations/webhooks', { token: token(e) });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="https://api.rd.services/", error="expired_token", error_description="The access token expired"');
  });

  it('expires tokens after their lifetime', async () => {
    let t = 1_000_000;
    const e = await start({ now: () => t, tokenLifetimeSec: 60 });
    const token = e.issueToken();
    expect((await call(e, 'GET', '/integrations/webhooks', { token })).status).toBe(200);
    t += 61_000;
    expect((await call(e, 'GET', '/integrations/webhooks', { token })).status).toBe(401);
  });
});

describe('webhook endpoints', () => {
  it('treats the collection with and without a trailing slash alike, and counts requests', async () => {
    const e = await start();
    expect((await call(e, 'POST', '/integrations/webhooks/', { body })).status).toBe(201);
    const list = await call(e, 'GET', '/integrations/webhooks/');
    expect(JSON.parse(list.text).webhooks).toHaveLength(1);
    await call(e, 'GET', '/integrations/webhooks');
    expect(e.count('GET', '/integrations/webhooks')).toBe(2);
    expect(e.count('POST')).toBe(1);
  });

  it('answers 201 with server fields, include_relations in another order, and the large id as a bare number', async () => {
    const e = await start();
    const r = await call(e, 'POST', '/integrations/webhooks', { body });
    expect(r.status).toBe(201);
    expect(r.text).toContain('"platform_account_id":818000000000436400');
    const w = JSON.parse(r.text) as Record<string, unknown>;
    expect(w.include_relations).toEqual(['CONTACT_FUNNEL', 'COMPANY']);
    expect(w).toMatchObject({ source: 'MKT', status: 'active', uuid: expect.any(String), created_at: expect.any(String) });
  });

  it('answers 204 with no body to a delete', async () => {
    const e = await start();
    const w = JSON.parse((await call(e, 'POST', '/integrations/webhooks', { body })).text) as { uuid: string };
    const r = await call(e, 'DELETE', `/integrations/webhooks/${w.uuid}/`);
    expect(r).toMatchObject({ status: 204, text: '' });
  });

  it('refuses a malformed body, another content type, and event_identifiers off WEBHOOK.CONVERTED', async () => {
    const e = await start();
    const malformed = await call(e, 'POST', '/integrations/webhooks', { body: '{nope' });
    expect(JSON.parse(malformed.text)).toEqual({ errors: { error_type: 'BAD_REQUEST', error_message: expect.any(String) } });
    expect((await call(e, 'POST', '/integrations/webhooks', { body, type: 'text/plain' })).status).toBe(415);
    const r = await call(e, 'POST', '/integrations/webhooks', { body: { ...body, event_type: 'crm_deal_updated' } });
    expect(r.status).toBe(400);
    expect(r.text).toContain('$.body.event_identifiers');
    const missing = await call(e, 'POST', '/integrations/webhooks', { body: { url: 'https://x.test' } });
    expect((JSON.parse(missing.text) as { errors: { path: string }[] }).errors.map((x) => x.path)).toEqual([
      '$.body.event_type', '$.body.entity_type', '$.body.http_method',
    ]);
  });
});

describe('faults', () => {
  it('fail-rate answers 500/503 with an HTML body', async () => {
    const e = await start({ failRate: 1 });
    const r = await call(e, 'GET', '/integrations/webhooks');
    expect([500, 503]).toContain(r.status);
    expect(r.text).toMatch(/^<html>/);
  });

  it('rate-limit answers 429 with the documented body and Retry-After, settable at run time', async () => {
    const e = await start();
    e.faults.rateLimitPerMinute = 2;
    await call(e, 'GET', '/integrations/webhooks');
    await call(e, 'GET', '/integrations/webhooks');
    const r = await call(e, 'GET', '/integrations/webhooks');
    expect(r.status).toBe(429);
    expect(JSON.parse(r.text)).toEqual({ errors: { error_type: 'RATE_LIMIT_EXCEDDED', error_message: 'API usage limit exceeded' } });
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('latency delays each answer', async () => {
    const e = await start({ latencyMs: 60 });
    const t0 = Date.now();
    await call(e, 'GET', '/integrations/webhooks');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('drop-after-commit performs the write, then resets the connection', async () => {
    const e = await start({ dropAfterCommit: 1 });
    await expect(call(e, 'POST', '/integrations/webhooks', { body })).rejects.toThrow();
    expect(e.store.snapshot()).toHaveLength(1);
    expect(e.requests.at(-1)).toMatchObject({ method: 'POST', status: 0 });
  });

  it('faults and suspension are settable over /_emulator', async () => {
    const e = await start();
    const w = JSON.parse((await call(e, 'POST', '/integrations/webhooks', { body })).text) as { uuid: string };
    expect((await call(e, 'PUT', '/_emulator/faults', { body: { latencyMs: 5 } })).status).toBe(200);
    expect(e.faults.latencyMs).toBe(5);
    expect((await call(e, 'POST', `/_emulator/webhooks/${w.uuid}/suspend`)).status).toBe(204);
    expect(JSON.parse((await call(e, 'GET', `/integrations/webhooks/${w.uuid}`)).text)).toMatchObject({ status: 'suspended' });
  });
});

describe('the client against the faults', () => {
  const spec = normalizeSpec({ event_type: 'crm_deal_created', url: 'https://hooks.example.com/d' });

  it('never causes a 429 itself: its token bucket and the emulator agree on N per minute', async () => {
    let t = 5_000_000;
    const e = await start({ now: () => t, rateLimitPerMinute: 10 });
    const api = createHttpApi({ apiUrl: e.url, auth: { accessToken: e.issueToken(1e6) }, rateLimitPerMinute: 10, now: () => t, sleep: async (ms) => void (t += ms) });
    for (let i = 0; i < 25; i++) await api.list();
    expect(e.requests.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(t - 5_000_000).toBeGreaterThan(60_000);
  });

  it('waits out a 429 from the emulator and succeeds', async () => {
    let t = 5_000_000;
    const e = await start({ now: () => t, rateLimitPerMinute: 1 });
    const api = createHttpApi({ apiUrl: e.url, auth: { accessToken: e.issueToken(1e6) }, rateLimitPerMinute: 1000, now: () => t, sleep: async (ms) => void (t += ms), deadlineMs: 120_000 });
    await api.list();
    await api.list();
    expect(e.requests.map((r) => r.status)).toEqual([200, 429, 200]);
  });

  it('retries through fail-rate and dropped PUT/DELETE; a dropped POST is reported, not repeated', async () => {
    // The emulator's random numbers, in order; 0.99 (no fault) once the queue is empty.
    const rolls: number[] = [];
    const e = await start({ random: () => rolls.shift() ?? 0.99 });
    const api = createHttpApi({ apiUrl: e.url, auth: { accessToken: e.issueToken() }, sleep: async () => undefined });
    const w = await api.create(spec);
    e.faults.dropAfterCommit = 0.5;
    rolls.push(0);
    await expect(api.update(w.uuid, { ...spec, include_relations: ['COMPANY'] })).resolves.toMatchObject({ include_relations: ['COMPANY'] });
    rolls.push(0);
    await expect(api.delete(w.uuid)).resolves.toBeUndefined();
    expect(e.store.snapshot()).toEqual([]);
    rolls.push(0);
    const err = await api.create(spec).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ outcomeUnknown: true });
    expect(e.count('POST', '/integrations/webhooks')).toBe(2);
    expect(e.store.snapshot()).toHaveLength(1);
    e.faults.dropAfterCommit = 0;
    e.faults.failRate = 0.5;
    rolls.push(0, 0.9, 0, 0.1);
    await expect(api.list()).resolves.toHaveLength(1);
    expect(e.requests.slice(-3).map((r) => r.status)).toEqual([503, 500, 200]);
  });
});

describe('state', () => {
  it('persists to a JSON file atomically and survives a restart; the seed is used only the first time', async () => {
    const dir = await tempDir();
    const state = join(dir, 'nested', 'emulator.json');
    const seed = (await readWebhooksFile(apiFixturePath('seed-two-webhooks.json')))?.webhooks;
    let e = await start({ state, seed });
    expect(e.store.snapshot()).toHaveLength(2);
    const api = createHttpApi({ apiUrl: e.url, auth: { accessToken: e.issueToken() } });
    await api.delete('11111111-1111-4111-8111-111111111111');
    await e.close();
    emulator = undefined;
    expect(await readdir(join(dir, 'nested'))).toEqual(['emulator.json']);
    expect(await readFile(state, 'utf8')).toContain('"platform_account_id": 818000000000436400');
    e = await start({ state, seed });
    expect(e.store.snapshot().map((w) => w.uuid)).toEqual(['22222222-2222-4222-8222-222222222222']);
  });

  it('reports a state file that is not JSON', async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, '{'));
    await expect(startEmulator({ state: file })).rejects.toThrow(/not valid JSON/);
  });
});
