import { afterEach, describe, expect, it } from '@jest/globals';
import { createAuthClient, createHttpApi, type HttpApiOptions } from '../../src/rdstation/http.js';
import { ApiError, TARGET_URL_REJECTED, TOKEN_OR_TARGET_REJECTED } from '../../src/rdstation/errors.js';
import { UserError } from '../../src/shared/errors.js';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator/server.js';
import type { Credentials } from '../../src/rdstation/auth.js';
import { normalizeSpec } from '../../src/shared/webhook.js';
import { scripted, type Scripted } from '../helpers/scripted.js';
import { failure } from '../helpers/failure.js';

const CLIENT_SECRET = 'CLIENT-SECRET-q8Zx81-distinctive';
const REFRESH = 'REFRESH-TOKEN-q8Zx81-distinctive';
const CLIENT_ID = 'client-id-q8';

let emulator: EmulatorHandle | undefined;
let target: Scripted | undefined;
afterEach(async () => {
  await emulator?.close();
  await target?.close();
  emulator = undefined;
  target = undefined;
});

async function setup(options: EmulatorOptions = {}, auth?: (e: EmulatorHandle) => Credentials, client: (e: EmulatorHandle) => Partial<HttpApiOptions> = () => ({})) {
  emulator = await startEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH, ...options });
  const debug: string[] = [];
  const notices: string[] = [];
  const e = emulator;
  const api = createHttpApi({
    apiUrl: e.url,
    auth: auth ? auth(e) : { refresh: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH } },
    sleep: async () => undefined,
    debug: (l) => debug.push(l),
    logger: (l) => notices.push(l),
    ...client(e),
  });
  return { api, e, debug, notices };
}

/** Everything a user could see of an error. */
function visible(err: ApiError): string {
  return [err.message, err.hint, err.stack, JSON.stringify(err), JSON.stringify(err.fieldErrors)].join('\n');
}

const spec = (url: string) => normalizeSpec({ event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url });

describe('token exchange and refresh', () => {
  it('exchanges refresh credentials at POST /auth/token on first use, once', async () => {
    const { api, e } = await setup();
    await api.list();
    await api.list();
    expect(e.count('POST', '/auth/token')).toBe(1);
    expect(e.count('GET', '/integrations/webhooks')).toBe(2);
  });

  it('on 401 refreshes once and retries once', async () => {
    const { api, e } = await setup({}, (h) => ({ accessToken: h.issueToken(-1), refresh: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH } }));
    await api.list();
    expect(e.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /integrations/webhooks 401',
      'POST /auth/token 200',
      'GET /integrations/webhooks 200',
    ]);
  });

  it('does not refresh twice when the new token is refused too', async () => {
    // The emulator's clock jumps two days at every reading: each token it issues has expired by its first use.
    let t = 0;
    const { api, e } = await setup({ now: () => (t += 2 * 86_400_000) });
    const err = await failure(api.list());
    expect(err.status).toBe(401);
    expect(err.hint).toMatch(/Check the credentials/);
    expect(e.count('POST', '/auth/token')).toBe(2);
    expect(e.count('GET', '/integrations/webhooks')).toBe(2);
  });

  it('without refresh credentials, a 401 is a credentials error after one request', async () => {
    const { api, e } = await setup({}, () => ({ accessToken: 'unknown-token-123456' }));
    const err = await failure(api.list());
    expect(err).toMatchObject({ status: 401, method: 'GET', path: '/integrations/webhooks' });
    expect(err.hint).toMatch(/RDSTATION_ACCESS_TOKEN/);
    expect(e.requests).toHaveLength(1);
  });

  it('explains refused client credentials at the token endpoint', async () => {
    const { api } = await setup({}, () => ({ refresh: { clientId: CLIENT_ID, clientSecret: 'wrong-secret-zz', refreshToken: REFRESH } }));
    const err = await failure(api.list());
    expect(err).toMatchObject({ status: 401, code: 'ACCESS_DENIED', path: '/auth/token' });
    expect(err.hint).toMatch(/RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET and RDSTATION_REFRESH_TOKEN/);
  });

  it('says so when RD returns a new refresh token, without printing it', async () => {
    const { api, e, notices, debug } = await setup({ rotateRefreshTokens: true });
    await api.list();
    const rotated = e.credentials.refreshToken;
    expect(rotated).not.toBe(REFRESH);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/new refresh token.*RDSTATION_REFRESH_TOKEN/s);
    expect([...notices, ...debug].join('\n')).not.toContain(rotated);
  });
});

describe('a rotated refresh token is never lost', () => {
  it('hands every new refresh token to onRefreshTokenRotated, and waits for it before using the new access token', async () => {
    const saved: { token: string; requestsSoFar: string[] }[] = [];
    const { api, e, notices } = await setup({ rotateRefreshTokens: true }, undefined, (h) => ({
      onRefreshTokenRotated: async (token) => {
        await new Promise((r) => setTimeout(r, 20));
        saved.push({ token, requestsSoFar: h.requests.map((r) => `${r.method} ${r.path}`) });
      },
    }));
    await api.list();
    expect(saved).toEqual([{ token: e.credentials.refreshToken, requestsSoFar: ['POST /auth/token'] }]);
    expect(e.credentials.refreshToken).not.toBe(REFRESH);
    // Once the access token expires, the client refreshes with the token it was last given, which RD still accepts.
    e.expireTokens();
    await api.list();
    expect(saved.map((s) => s.token)).toEqual([saved[0]?.token, e.credentials.refreshToken]);
    expect(new Set(saved.map((s) => s.token)).size).toBe(2);
    expect(e.requests.map((r) => r.status)).toEqual([200, 200, 401, 200, 200]);
    expect(notices).toEqual([]);
  });

  it('is not called when the refresh token comes back unchanged', async () => {
    const calls: string[] = [];
    const { api } = await setup({}, undefined, () => ({ onRefreshTokenRotated: async (t) => void calls.push(t) }));
    await api.list();
    expect(calls).toEqual([]);
  });

  it('fails the call with a clear UserError when saving throws, before using the new access token, without showing the token', async () => {
    const { api, e } = await setup({ rotateRefreshTokens: true }, undefined, () => ({
      onRefreshTokenRotated: async (token) => {
        throw new Error(`cannot write ${token} to /secrets/rd:\npermission denied`);
      },
    }));
    const err = await api.list().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(UserError);
    expect(err).not.toBeInstanceOf(ApiError);
    const { message, hint } = err as UserError;
    expect(message).toBe('RD Station issued a new refresh token, and saving it failed: cannot write [redacted] to /secrets/rd: permission denied');
    expect(hint).toMatch(/stopped before using it.*RDSTATION_REFRESH_TOKEN.*INVALID_REFRESH_TOKEN/);
    expect(`${message} ${hint}`).not.toContain(e.credentials.refreshToken);
    expect(e.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /auth/token']);
  });
});

describe('the token URL', () => {
  it('refreshes at tokenUrl, e.g. RD\'s newer /oauth2/token, and names it in errors', async () => {
    const { api: viaOauth2, e: e2 } = await setup({ rotateRefreshTokens: true }, undefined, (h) => ({ tokenUrl: `${h.url}/oauth2/token`, onRefreshTokenRotated: async () => undefined }));
    await viaOauth2.list();
    expect(e2.count('POST', '/oauth2/token')).toBe(1);
    expect(e2.count('POST', '/auth/token')).toBe(0);
    e2.credentials.refreshToken = 'revoked-on-server';
    e2.expireTokens();
    const err = await failure(viaOauth2.list());
    expect(err).toMatchObject({ status: 401, code: 'INVALID_REFRESH_TOKEN', method: 'POST', path: '/oauth2/token' });
  });

  it('names a token URL on another host in full, and RDSTATION_TOKEN_URL in the hint', async () => {
    target = await scripted(() => ({ status: 200, body: { token: 'nope' } }));
    const { api } = await setup({}, undefined, () => ({ tokenUrl: `${(target as Scripted).url}/oauth2/token` }));
    const err = await failure(api.list());
    expect(err).toMatchObject({ code: 'INVALID_RESPONSE', path: `${target.url}/oauth2/token` });
    expect(err.hint).toMatch(/^Check RDSTATION_TOKEN_URL: it should be RD Station's token endpoint/);
    expect(target.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /oauth2/token']);
  });

  it('trades authorization codes at tokenUrl too', async () => {
    const { e } = await setup();
    const client = createAuthClient({ apiUrl: 'https://api.rd.services', tokenUrl: `${e.url}/oauth2/token`, sleep: async () => undefined });
    const tokens = await client.exchangeCode({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: e.credentials.authCode });
    expect(tokens.refresh_token).toBe(REFRESH);
    expect(e.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /oauth2/token']);
  });

  it.each([
    ['http://auth.example.com/oauth2/token', /Refusing plain http for auth\.example\.com/],
    ['not a url', /The token URL is not a URL/],
    ['https://user:pw@api.rd.services/oauth2/token', /must not carry credentials/],
    ['https://api.rd.services/oauth2/token?x=1', /must not have a query/],
  ])('refuses the token URL %s before any request', (tokenUrl, message) => {
    expect(() => createHttpApi({ apiUrl: 'https://api.rd.services', tokenUrl, auth: { accessToken: 'tok-123456' } })).toThrow(message);
  });
});

describe('401 on create: the target URL or the credentials', () => {
  /** Refresh credentials and an access token of their own that the emulator accepts: not from an exchange of this run. */
  const tokenAndRefresh = (h: EmulatorHandle): Credentials => ({ accessToken: h.issueToken(), refresh: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH } });

  it('right after a token exchange: the target URL, named, with how to probe it', async () => {
    target = await scripted(() => ({ status: 500, body: 'nope' }));
    const { api, e } = await setup({ validateUrls: true });
    const url = `${target.url}/hook`;
    const err = await failure(api.create(spec(url)));
    expect(err).toMatchObject({ status: 401, code: TARGET_URL_REJECTED, method: 'POST' });
    expect(err.message).toContain(url);
    expect(err.message).toMatch(/could not validate the target URL/);
    expect(`${err.message} ${err.hint}`).not.toMatch(/check the credentials|RDSTATION_ACCESS_TOKEN/i);
    expect(err.hint).toMatch(/credentials were accepted/);
    expect(err.hint).toContain('check it with rdhooks plan --check-targets');
    expect(e.count('POST', '/integrations/webhooks')).toBe(1);
    expect(e.store.snapshot()).toEqual([]);
  });

  it('with a token not known good: refreshes once and retries; a second 401 with the fresh token is the target URL', async () => {
    target = await scripted(() => ({ status: 500, body: 'nope' }));
    const { api, e } = await setup({ validateUrls: true }, tokenAndRefresh);
    await api.list();
    const url = `${target.url}/hook`;
    const err = await failure(api.create(spec(url)));
    expect(err).toMatchObject({ status: 401, code: TARGET_URL_REJECTED });
    expect(err.message).toContain(url);
    expect(err.hint).toContain('check it with rdhooks plan --check-targets');
    expect(e.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /integrations/webhooks 200',
      'POST /integrations/webhooks 401',
      'POST /auth/token 200',
      'POST /integrations/webhooks 401',
    ]);
    expect(target.requests).toHaveLength(2);
  });

  it('with a token not known good: a target answering 2xx is created at once, with no refresh', async () => {
    target = await scripted(() => ({ status: 200, body: {} }));
    const { api, e } = await setup({ validateUrls: true }, tokenAndRefresh);
    await expect(api.create(spec(`${target.url}/ok`))).resolves.toMatchObject({ status: 'active' });
    expect(e.count('POST', '/auth/token')).toBe(0);
  });

  it('a 401 without expired_token caused by a stale token: the refresh and retry create the webhook', async () => {
    const server = await scripted((r) => {
      if (r.path === '/auth/token') return { status: 200, body: { access_token: 'fresh-token-123456', expires_in: 3600 } };
      return r.headers.authorization === 'Bearer fresh-token-123456'
        ? { status: 201, body: { uuid: 'aaaaaaaa-0000-4000-8000-000000000001', event_type: 'WEBHOOK.MARKED_OPPORTUNITY', entity_type: 'CONTACT', url: 'https://hooks.example.com/a', http_method: 'POST' } }
        : { status: 401, body: { errors: { error_type: 'UNAUTHORIZED', error_message: 'Invalid token.' } } };
    });
    try {
      const api = createHttpApi({ apiUrl: server.url, auth: { accessToken: 'stale-token-123456', refresh: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH } }, sleep: async () => undefined });
      await expect(api.create(spec('https://hooks.example.com/a'))).resolves.toMatchObject({ uuid: 'aaaaaaaa-0000-4000-8000-000000000001' });
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /integrations/webhooks', 'POST /auth/token', 'POST /integrations/webhooks']);
    } finally {
      await server.close();
    }
  });

  it('with an access token alone: names both causes, the target included', async () => {
    target = await scripted(() => ({ status: 404 }));
    const { api, e } = await setup({ validateUrls: true }, (h) => ({ accessToken: h.issueToken() }));
    await api.list();
    const url = `${target.url}/x`;
    const err = await failure(api.create(spec(url)));
    expect(err).toMatchObject({ status: 401, code: TOKEN_OR_TARGET_REJECTED, method: 'POST', retryable: false });
    expect(err.message).toBe(
      `RD Station answered 401 to the create of the webhook for ${url}: either the access token is invalid or expired, ` +
        `or RD could not validate the target URL ${url} (RD POSTs to it on create and needs a 2xx answer)`,
    );
    expect(err.hint).toMatch(/rdhooks plan --check-targets.*RDSTATION_ACCESS_TOKEN.*RDSTATION_REFRESH_TOKEN/);
    expect(e.count('POST', '/integrations/webhooks')).toBe(1);
  });

  it('with an access token alone that RD says expired: the credentials, not the target', async () => {
    target = await scripted(() => ({ status: 200, body: {} }));
    const { api } = await setup({ validateUrls: true }, (h) => ({ accessToken: h.issueToken(-1) }));
    const err = await failure(api.create(spec(`${target.url}/x`)));
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(err.hint).toMatch(/Check the credentials/);
    expect(target.requests).toHaveLength(0);
  });

  it('creates when the target answers 2xx, after RD POSTed to it', async () => {
    target = await scripted(() => ({ status: 204 }));
    const { api } = await setup({ validateUrls: true });
    const created = await api.create(spec(`${target.url}/ok`));
    expect(created.status).toBe('active');
    expect(target.requests.map((r) => r.method)).toEqual(['POST']);
  });
});

describe('redaction', () => {
  it('no token or secret appears in any log line, notice or error', async () => {
    const { api, e, debug, notices } = await setup({ rotateRefreshTokens: true, failRate: 0 }, (h) => ({
      accessToken: h.issueToken(-1),
      refresh: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH },
    }));
    await api.list();
    const created = await api.create(spec('https://hooks.example.com/r'));
    const errors: ApiError[] = [await failure(api.get('missing')), await failure(api.create(spec('https://hooks.example.com/r')))];
    e.expireTokens();
    e.credentials.refreshToken = 'revoked-on-server';
    errors.push(await failure(api.update(created.uuid, spec('https://hooks.example.com/r2'))));
    const secrets = [CLIENT_SECRET, REFRESH, ...e.issuedTokens()];
    expect(secrets.length).toBeGreaterThan(3);
    const everything = [...debug, ...notices, ...errors.map(visible)].join('\n');
    expect(debug.length).toBeGreaterThan(5);
    for (const s of secrets) expect(everything).not.toContain(s);
  });

  it('redacts a token the server echoes in an error body', async () => {
    const token = 'ECHOED-TOKEN-5521-distinctive';
    target = await scripted(() => ({ status: 400, body: { errors: { error_type: 'BAD', error_message: `token ${token} is odd; Bearer ${token}` } } }));
    const api = createHttpApi({ apiUrl: target.url, auth: { accessToken: token } });
    const err = await failure(api.list());
    expect(visible(err)).not.toContain(token);
    expect(err.message).toContain('[redacted]');
  });
});

describe('the token exchange is not retried once it may have reached RD', () => {
  // With rotating refresh tokens, a lost answer may already have spent the refresh token: a blind retry would
  // turn a network blip into INVALID_REFRESH_TOKEN and a dead CI secret.
  it.each([
    ['a reset after sending', 'reset' as const, 1],
    ['a 500 answer', { status: 500, body: '<html>oops</html>' }, 1],
    ['a 429 answer (nothing was done)', { status: 429, headers: { 'Retry-After': '0' }, body: { errors: { error_type: 'RATE_LIMIT_EXCEDDED' } } }, 2],
  ])('%s', async (_name, first, expectedTokenCalls) => {
    const { scripted } = await import('../helpers/scripted.js');
    const { createHttpApi } = await import('../../src/rdstation/http.js');
    const server = await scripted((req, i) => {
      if (req.path.startsWith('/auth/token')) return i === 0 ? first : { status: 200, body: { access_token: 'tok-ok', expires_in: 3600 } };
      return { status: 200, body: { webhooks: [] } };
    });
    try {
      const api = createHttpApi({
        apiUrl: server.url,
        auth: { refresh: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH } },
        maxAttempts: 3,
        sleep: async () => undefined,
        rateLimitPerMinute: 100_000,
      });
      const outcome = await api.list().then(
        () => 'listed',
        (e: Error) => e.message,
      );
      expect(server.requests.filter((r) => r.path.startsWith('/auth/token'))).toHaveLength(expectedTokenCalls);
      expect(outcome === 'listed').toBe(expectedTokenCalls === 2);
    } finally {
      await server.close();
    }
  });
});
