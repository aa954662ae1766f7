import { afterEach, describe, expect, it } from '@jest/globals';
import { createHttpApi, type HttpApiOptions } from '../../src/rdstation/http.js';
import type { WebhookApi } from '../../src/rdstation/api.js';
import { normalizeSpec } from '../../src/shared/webhook.js';
import { VERSION } from '../../src/shared/version.js';
import { apiFixture } from '../helpers/fixtures.js';
import { scripted, wireWebhook, type Answer, type Recorded, type Scripted } from '../helpers/scripted.js';
import { failure } from '../helpers/failure.js';

const TOKEN = 'TOKEN-7f3c9e1a-distinctive';
let server: Scripted | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A client against a scripted server; sleeps are recorded and advance a fake clock instead of waiting. */
async function clientFor(handler: (req: Recorded, i: number) => Answer, options: Partial<HttpApiOptions> = {}) {
  server = await scripted(handler);
  const sleeps: number[] = [];
  let clock = 0;
  const debug: string[] = [];
  const notices: string[] = [];
  const api = createHttpApi({
    apiUrl: server.url,
    auth: { accessToken: TOKEN },
    now: () => Date.now() + clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    debug: (l) => debug.push(l),
    logger: (l) => notices.push(l),
    ...options,
  });
  return { api, sleeps, debug, notices, requests: (server as Scripted).requests };
}

const converted = normalizeSpec({ event_type: 'WEBHOOK.CONVERTED', url: 'https://hooks.example.com/a', event_identifiers: ['b', 'a'], include_relations: ['COMPANY'] });
const opportunity = normalizeSpec({ event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://hooks.example.com/o', event_identifiers: ['ignored'] });

describe('requests', () => {
  it('lists with the documented path and headers', async () => {
    const { api, requests } = await clientFor(() => ({ status: 200, body: { webhooks: [wireWebhook()] } }));
    expect(await api.list()).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'GET', path: '/integrations/webhooks', body: '' });
    expect(requests[0]?.headers).toMatchObject({ accept: 'application/json', authorization: `Bearer ${TOKEN}`, 'user-agent': `rdhooks/${VERSION}` });
    expect(requests[0]?.headers['content-type']).toBeUndefined();
  });

  it('creates with POST, a JSON body and event_identifiers only for WEBHOOK.CONVERTED', async () => {
    const { api, requests } = await clientFor((_r, i) => ({ status: i === 0 ? 201 : 200, body: wireWebhook({ uuid: `u${i}` }) }));
    await api.create(converted);
    await api.create(opportunity);
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/integrations/webhooks' });
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      event_type: 'WEBHOOK.CONVERTED', entity_type: 'CONTACT', url: 'https://hooks.example.com/a', http_method: 'POST',
      event_identifiers: ['a', 'b'], include_relations: ['COMPANY'],
    });
    expect(JSON.parse(requests[1]?.body ?? '')).not.toHaveProperty('event_identifiers');
  });

  it('updates with PUT of the whole object, gets and deletes by uuid', async () => {
    const { api, requests } = await clientFor((r) =>
      r.method === 'DELETE' ? { status: 204 } : { status: 200, body: wireWebhook({ uuid: 'u 1' }) },
    );
    await api.update('u 1', converted);
    await api.get('u 1');
    await api.delete('u 1');
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /integrations/webhooks/u%201', 'GET /integrations/webhooks/u%201', 'DELETE /integrations/webhooks/u%201',
    ]);
    expect(Object.keys(JSON.parse(requests[0]?.body ?? ''))).toEqual(['event_type', 'entity_type', 'url', 'http_method', 'event_identifiers', 'include_relations']);
  });

  it('accepts any 2xx, e.g. 200 on create and 200 on delete', async () => {
    const { api } = await clientFor((r) => (r.method === 'DELETE' ? { status: 200, body: {} } : { status: 200, body: wireWebhook() }));
    await expect(api.create(converted)).resolves.toMatchObject({ uuid: 'aaaaaaaa-0000-4000-8000-000000000001' });
    await expect(api.delete('x')).resolves.toBeUndefined();
  });

  it('reads legacy objects', async () => {
    const { api } = await clientFor(() => ({ status: 200, body: apiFixture('list-legacy-no-server-fields.json'), headers: { 'Content-Type': 'application/json' } }));
    const legacy = await api.list();
    expect(legacy.map((w) => w.status)).toEqual([undefined, undefined]);
  });

  it('asks GET /marketing/account_info which account the token is for, and strips control characters from the name', async () => {
    const { api, requests } = await clientFor(() => ({ status: 200, body: { name: 'Acme\u001b]0;owned\u0007 Ltda' } }));
    expect(await api.accountInfo()).toEqual({ name: 'Acme Ltda' });
    expect(requests[0]).toMatchObject({ method: 'GET', path: '/marketing/account_info' });
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('keeps platform_account_id as the text received', async () => {
    const { api } = await clientFor(() => ({ status: 200, body: apiFixture('list-large-account-id.json'), headers: { 'Content-Type': 'application/json' } }));
    expect((await api.list())[0]?.platform_account_id).toBe('818000000000436400');
  });

  it('reports an unreadable success body', async () => {
    const { api } = await clientFor(() => ({ status: 200, body: '<html>hi</html>' }));
    expect(await failure(api.list())).toMatchObject({ code: 'INVALID_RESPONSE', method: 'GET', path: '/integrations/webhooks' });
  });
});

/** 200 answers that are not the documented shape: each one an error, never an empty account or a half-read token. */
const NOT_THE_SHAPE: [string, string][] = [
  ['{}', 'an empty object'],
  ['{"message": "API rate limit exceeded"}', 'error body ("API rate limit exceeded")'],
  ['{"data": []}', 'it has data'],
  ['{"status": "error"}', 'it has status'],
  ['null', 'not a JSON object'],
  ['[]', 'not a JSON object'],
];

describe('200 answers of the wrong shape', () => {
  const answer = (body: string): Answer => ({ status: 200, body, headers: { 'Content-Type': 'application/json' } });

  it.each(NOT_THE_SHAPE)('GET /integrations/webhooks answering %s is an error, not an empty account', async (body, why) => {
    const { api, requests } = await clientFor(() => answer(body));
    const e = await failure(api.list());
    expect(e).toMatchObject({ code: 'INVALID_RESPONSE', method: 'GET', path: '/integrations/webhooks', retryable: false });
    expect(e.message).toContain(why);
    expect(requests).toHaveLength(1);
  });

  it.each(NOT_THE_SHAPE)('GET /marketing/account_info answering %s is an error', async (body, why) => {
    const { api } = await clientFor(() => answer(body.replace('{}', '{"id": 1}')));
    const e = await failure(api.accountInfo());
    expect(e).toMatchObject({ code: 'INVALID_RESPONSE', method: 'GET', path: '/marketing/account_info' });
    expect(e.message).toContain(why.replace('an empty object', 'it has id'));
  });

  it.each([
    ...NOT_THE_SHAPE.filter(([body]) => body !== '{}'),
    ['{}', 'no access_token'],
    ['{"access_token": ""}', 'no access_token'],
    ['{"access_token": "tok-123456", "expires_in": 0}', '"expires_in" is 0'],
    ['{"access_token": "tok-123456", "expires_in": "soon"}', '"expires_in" is string'],
    ['{"access_token": "tok-123456", "refresh_token": 5}', '"refresh_token" is number'],
  ])('POST /auth/token answering %s is an error, and nothing is listed', async (body, why) => {
    const { api, requests } = await clientFor((r) => (r.path === '/auth/token' ? answer(body) : { status: 200, body: { webhooks: [] } }), {
      auth: { refresh: { clientId: 'id', clientSecret: 'secret-abcdef', refreshToken: 'refresh-abcdef' } },
    });
    const e = await failure(api.list());
    expect(e).toMatchObject({ code: 'INVALID_RESPONSE', method: 'POST', path: '/auth/token' });
    expect(e.message).toContain(why);
    expect(requests.map((r) => r.path)).toEqual(['/auth/token']);
  });
});

describe('error responses', () => {
  it.each([
    [400, 'error-array-with-path.json', 'INVALID_OPTION'],
    [401, 'error-oauth.json', 'invalid_request'],
    [403, 'error-bare.json', 'UNAUTHORIZED'],
    [404, 'error-object.json', 'RESOURCE_NOT_FOUND'],
    [415, 'error-object.json', 'RESOURCE_NOT_FOUND'],
    [422, 'error-field-map.json', 'MUST_BE_STRING'],
    [400, 'error-strings.json', undefined],
  ])('%i with %s becomes an ApiError', async (status, file, code) => {
    const { api, requests } = await clientFor(() => ({ status, body: apiFixture(file), headers: { 'Content-Type': 'application/json' } }), { maxAttempts: 1 });
    const e = await failure(api.update('u1', converted));
    expect(e).toMatchObject({ status, code, method: 'PUT', path: '/integrations/webhooks/u1', retryable: false });
    expect(e.hint).toBeTruthy();
    expect(requests).toHaveLength(1);
  });

  it('says 404 on update means deleted outside rdhooks', async () => {
    const { api } = await clientFor(() => ({ status: 404, body: JSON.parse(apiFixture('error-object.json')) as object }));
    expect((await failure(api.update('u1', converted))).hint).toMatch(/deleted outside rdhooks.*plan again/);
  });

  it('handles an HTML 503 and an empty 500 after retrying', async () => {
    const { api, requests } = await clientFor((_r, i) => (i % 2 ? { status: 500 } : { status: 503, body: apiFixture('gateway-503.html') }), { maxAttempts: 3 });
    const e = await failure(api.list());
    expect(requests).toHaveLength(3);
    expect(e.status).toBe(503);
    expect(e.message).toContain('HTML error page ("503 Service Temporarily Unavailable")');
    expect(e.message).toContain('gave up: after 3 attempts');
  });
});

describe('retries', () => {
  it.each([
    ['GET', (api: WebhookApi) => api.list()],
    ['PUT', (api: WebhookApi) => api.update('u1', converted)],
    ['DELETE', (api: WebhookApi) => api.delete('u1')],
  ])('retries %s on 5xx with jittered exponential backoff', async (method, run) => {
    const { api, sleeps, requests } = await clientFor((r, i) =>
      i < 3 ? { status: 502, body: '' } : r.method === 'DELETE' ? { status: 204 } : r.method === 'GET' ? { status: 200, body: { webhooks: [] } } : { status: 200, body: wireWebhook() },
    );
    await run(api);
    expect(requests.map((r) => r.method)).toEqual([method, method, method, method]);
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it('retries connection resets for idempotent calls', async () => {
    const { api, requests } = await clientFor((_r, i) => (i === 0 ? 'reset' : { status: 200, body: wireWebhook() }));
    await api.update('u1', converted);
    expect(requests).toHaveLength(2);
  });

  it('never retries a POST that may have landed (5xx or reset), and says to re-plan', async () => {
    const a = await clientFor(() => ({ status: 503, body: '' }));
    const e = await failure(a.api.create(converted));
    expect(a.requests).toHaveLength(1);
    expect(e.outcomeUnknown).toBe(true);
    expect(e.hint).toMatch(/rdhooks plan/);
    await server?.close();
    const b = await clientFor(() => 'reset');
    const e2 = await failure(b.api.create(converted));
    expect(b.requests).toHaveLength(1);
    expect(e2).toMatchObject({ outcomeUnknown: true, method: 'POST' });
  });

  it('retries a POST refused with 429 (nothing was created)', async () => {
    const { api, requests } = await clientFor((_r, i) => (i === 0 ? { status: 429, body: {}, headers: { 'Retry-After': '1' } } : { status: 201, body: wireWebhook() }));
    await api.create(converted);
    expect(requests).toHaveLength(2);
  });

  it('takes a DELETE whose first attempt was dropped and whose retry answers 404 as done', async () => {
    const { api } = await clientFor((_r, i) => (i === 0 ? 'reset' : { status: 404, body: JSON.parse(apiFixture('error-object.json')) as object }));
    await expect(api.delete('u1')).resolves.toBeUndefined();
  });

  it('stops after maxAttempts', async () => {
    const { api, requests } = await clientFor(() => ({ status: 500, body: '' }), { maxAttempts: 2 });
    await failure(api.list());
    expect(requests).toHaveLength(2);
  });

  it('gives up when the next wait would pass the deadline', async () => {
    const { api, requests, sleeps } = await clientFor(() => ({ status: 500, body: '' }), { maxAttempts: 50, deadlineMs: 2000, random: () => 0.99 });
    const e = await failure(api.list());
    expect(requests.length).toBeLessThan(6);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2000);
    expect(e.status).toBe(500);
  });

  it('times out a request that never answers', async () => {
    const { api } = await clientFor(() => 'hang', { timeoutMs: 100, maxAttempts: 2 });
    const e = await failure(api.list());
    expect(e).toMatchObject({ code: 'TIMEOUT', retryable: true, status: undefined });
    expect(e.message).toMatch(/timed out after 2 attempts/);
  });

  it('reports an unreachable server with the URL to check', async () => {
    const dead = await scripted(() => ({ status: 200 }));
    const url = dead.url;
    await dead.close();
    const api = createHttpApi({ apiUrl: url, auth: { accessToken: TOKEN }, maxAttempts: 2, sleep: async () => undefined });
    const e = await failure(api.list());
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.hint).toContain(url);
  });
});

describe('429 waits', () => {
  it.each([
    ['Retry-After', { 'Retry-After': '7' }, {}, 7000],
    ['retry-after-quotas', { 'retry-after-quotas': '3', 'ratelimit-limit-quotas': '120' }, { message: 'API rate limit exceeded' }, 3000],
    ['remaining_time', {}, JSON.parse(apiFixture('rate-limit-remaining-time.json')) as object, 43067],
    ['backoff', {}, JSON.parse(apiFixture('rate-limit-errors-shape.json')) as object, 250],
  ])('waits by %s', async (_name, headers, body, wait) => {
    const { api, sleeps } = await clientFor((_r, i) => (i === 0 ? { status: 429, headers, body } : { status: 200, body: { webhooks: [] } }), {
      deadlineMs: 120_000,
    });
    await api.list();
    expect(sleeps).toEqual([wait]);
  });

  it('gives up at once when the server asks to wait beyond the deadline', async () => {
    const { api, sleeps } = await clientFor(() => ({ status: 429, headers: { 'Retry-After': '3600' }, body: {} }), { deadlineMs: 60_000 });
    const e = await failure(api.list());
    expect(sleeps).toEqual([]);
    expect(e).toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
    expect(e.message).toMatch(/asked to wait 3600 s, beyond the 60 s deadline/);
  });
});

describe('debug log', () => {
  it('logs method, path, status, duration and attempt', async () => {
    const { api, debug } = await clientFor((_r, i) => (i === 0 ? { status: 503 } : { status: 200, body: { webhooks: [] } }));
    await api.list();
    expect(debug).toEqual(
      expect.arrayContaining([
        'debug: → GET /integrations/webhooks (attempt 1)',
        expect.stringMatching(/^debug: ← GET \/integrations\/webhooks 503 in \d+ ms \(attempt 1\)$/),
        expect.stringMatching(/^debug: ← GET \/integrations\/webhooks 200 in \d+ ms \(attempt 2\)$/),
      ]),
    );
  });
});
