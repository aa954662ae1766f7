import { afterEach, describe, expect, it } from '@jest/globals';
import { EMULATOR_CREDENTIALS, startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import type { WireWebhook } from '../../src/rdstation/wire.js';
import { rdhooks, type CliResult } from '../helpers/cli.js';
import { tempDirs } from '../helpers/tmp.js';

const emulators: EmulatorHandle[] = [];
afterEach(async () => {
  for (const e of emulators.splice(0)) await e.close();
});

const freshDir = tempDirs('auth');

const SEED: WireWebhook[] = ['a', 'b'].map((x, i) => ({
  uuid: `${String(i + 1).repeat(8)}-1111-4111-8111-111111111111`,
  event_type: 'WEBHOOK.CONVERTED',
  entity_type: 'CONTACT',
  url: `https://hooks.example.com/${x}`,
  http_method: 'POST',
}));

async function emulator(): Promise<EmulatorHandle> {
  const e = await startEmulator({ seed: SEED });
  emulators.push(e);
  return e;
}

const APP = { RDSTATION_CLIENT_ID: EMULATOR_CREDENTIALS.clientId, RDSTATION_CLIENT_SECRET: EMULATOR_CREDENTIALS.clientSecret };
const REDIRECT = 'https://example.com/rd/callback?state=a b&x=1';

/** Follows the printed authorization URL as a browser would, and returns the code from the redirect. */
async function authorize(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe('https://example.com/rd/callback');
  expect(location.searchParams.get('state')).toBe('a b');
  return location.searchParams.get('code') ?? '';
}

function expectNoAccessToken(e: EmulatorHandle, ...results: CliResult[]): void {
  const issued = e.issuedTokens();
  expect(issued.length).toBeGreaterThan(0);
  for (const r of results) for (const t of issued) expect(`${r.stdout}${r.stderr}`).not.toContain(t);
}

describe('rdhooks auth, end to end against the emulator', () => {
  it('url → dialog → exchange → check: the printed refresh token works, the access token is never shown', async () => {
    const e = await emulator();
    const cwd = await freshDir();
    const url = await rdhooks(['auth', 'url', '--client-id', EMULATOR_CREDENTIALS.clientId, '--redirect-uri', REDIRECT], {
      cwd,
      env: { RDSTATION_API_URL: e.url },
    });
    expect(url.code).toBe(0);
    const printed = url.stdout.trim();
    expect(printed).toBe(`${e.url}/auth/dialog?client_id=rdhooks-emulator&redirect_uri=https%3A%2F%2Fexample.com%2Frd%2Fcallback%3Fstate%3Da+b%26x%3D1`);
    expect(url.stderr).toContain('The code works once, for 1 hour');

    const code = await authorize(printed);
    expect(code).toMatch(/^emu_code_/);

    const exchange = await rdhooks(['auth', 'exchange', '--code', code], { cwd, env: { ...APP, RDSTATION_API_URL: e.url } });
    expect(exchange.code).toBe(0);
    const refreshToken = exchange.stdout.trim();
    expect(exchange.stdout).toBe(`${EMULATOR_CREDENTIALS.refreshToken}\n`);
    expect(exchange.stderr).toContain('gh secret set RDSTATION_REFRESH_TOKEN');
    expect(exchange.stderr).not.toContain(refreshToken);
    expect(e.requests.filter((r) => r.path === '/auth/token')).toEqual([{ method: 'POST', path: '/auth/token', status: 200 }]);

    const check = await rdhooks(['auth', 'check'], { cwd, env: { ...APP, RDSTATION_REFRESH_TOKEN: refreshToken, RDSTATION_API_URL: e.url } });
    expect(check.stderr).toBe(`Checking RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET and RDSTATION_REFRESH_TOKEN against ${e.url}…\n`);
    expect(check).toMatchObject({ code: 0, stdout: 'Credentials OK: account "RD Station emulator", 2 webhooks visible to this integration.\n' });
    expectNoAccessToken(e, url, exchange, check);
  });

  it('takes the whole callback URL as --code, and the client id and secret as flags with a warning', async () => {
    const e = await emulator();
    const code = await authorize(`${e.url}/auth/dialog?client_id=${EMULATOR_CREDENTIALS.clientId}&redirect_uri=https%3A%2F%2Fexample.com%2Frd%2Fcallback%3Fstate%3Da%2Bb`);
    const r = await rdhooks(
      ['auth', 'exchange', '--api-url', e.url, '--client-id', APP.RDSTATION_CLIENT_ID, '--client-secret', APP.RDSTATION_CLIENT_SECRET, '--code', `https://example.com/rd/callback?state=a+b&code=${code}`],
      { cwd: await freshDir() },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${EMULATOR_CREDENTIALS.refreshToken}\n`);
    expect(r.stderr).toContain('warning: --client-secret puts the secret in your shell history');
    expect(r.stderr).not.toContain(APP.RDSTATION_CLIENT_SECRET);
  });

  it('a used code fails clearly and says to start again', async () => {
    const e = await emulator();
    const cwd = await freshDir();
    const code = await authorize(`${e.url}/auth/dialog?client_id=${EMULATOR_CREDENTIALS.clientId}&redirect_uri=https%3A%2F%2Fexample.com%2Frd%2Fcallback%3Fstate%3Da%2Bb`);
    const env = { ...APP, RDSTATION_API_URL: e.url };
    expect((await rdhooks(['auth', 'exchange', '--code', code], { cwd, env })).code).toBe(0);
    const again = await rdhooks(['auth', 'exchange', '--code', code], { cwd, env });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('error: RD Station answered 401 to POST /auth/token?token_by=code: The authorization code grant has expired. (EXPIRED_CODE_GRANT)');
    expect(again.stderr).toContain('An authorization code works once and for 1 hour: start again with `rdhooks auth url`');
    expect(again.stderr).not.toContain(code);
    // A single-use code is never retried: the second answer would only hide the first.
    expect(e.count('POST', '/auth/token')).toBe(2);
  });

  it('a wrong client secret is ACCESS_DENIED, with what to check', async () => {
    const e = await emulator();
    const r = await rdhooks(['auth', 'exchange', '--code', 'whatever-code'], {
      cwd: await freshDir(),
      env: { RDSTATION_API_URL: e.url, RDSTATION_CLIENT_ID: EMULATOR_CREDENTIALS.clientId, RDSTATION_CLIENT_SECRET: 'not-the-secret' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Wrong credentials provided. (ACCESS_DENIED)');
    expect(r.stderr).toContain('check RDSTATION_CLIENT_ID and RDSTATION_CLIENT_SECRET');
    expect(r.stderr).not.toContain('not-the-secret');
  });

  it('check fails with the API error when the refresh token is wrong', async () => {
    const e = await emulator();
    const r = await rdhooks(['auth', 'check'], { cwd: await freshDir(), env: { ...APP, RDSTATION_REFRESH_TOKEN: 'revoked-refresh-token', RDSTATION_API_URL: e.url } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: RD Station answered 401 to POST /auth/token: The provided refresh token is invalid or was revoked. (INVALID_REFRESH_TOKEN)');
    expect(r.stderr).not.toContain('revoked-refresh-token');
  });

  it('check proves the refresh credentials even when an access token is set too', async () => {
    const e = await emulator();
    const r = await rdhooks(['auth', 'check'], {
      cwd: await freshDir(),
      env: { ...APP, RDSTATION_REFRESH_TOKEN: EMULATOR_CREDENTIALS.refreshToken, RDSTATION_ACCESS_TOKEN: e.issueToken(), RDSTATION_API_URL: e.url },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('note: RDSTATION_ACCESS_TOKEN is set too; it is not checked.');
    expect(e.count('POST', '/auth/token')).toBe(1);
  });

  it('check with an access token alone, and with --emulator', async () => {
    const e = await emulator();
    const token = await rdhooks(['auth', 'check'], { cwd: await freshDir(), env: { RDSTATION_ACCESS_TOKEN: e.issueToken(), RDSTATION_API_URL: e.url } });
    expect(token).toMatchObject({ code: 0, stdout: 'Credentials OK: account "RD Station emulator", 2 webhooks visible to this integration.\n' });
    const offline = await rdhooks(['auth', 'check', '--emulator'], { cwd: await freshDir() });
    expect(offline).toMatchObject({ code: 0, stdout: 'Credentials OK: account "RD Station emulator", 3 webhooks visible to this integration.\n' });
  });
});

describe('rdhooks auth without what it needs', () => {
  it('exchange names the missing variables', async () => {
    const r = await rdhooks(['auth', 'exchange', '--code', 'abc'], { cwd: await freshDir(), env: { RDSTATION_CLIENT_ID: 'app' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: rdhooks auth exchange needs the OAuth app's client id and secret: RDSTATION_CLIENT_SECRET is not set.");
  });

  it('check names the credential variables', async () => {
    const r = await rdhooks(['auth', 'check'], { cwd: await freshDir() });
    expect(r.code).toBe(1);
    for (const v of ['RDSTATION_ACCESS_TOKEN', 'RDSTATION_CLIENT_ID', 'RDSTATION_CLIENT_SECRET', 'RDSTATION_REFRESH_TOKEN']) expect(r.stderr).toContain(v);
  });

  it('url needs a client id and an absolute redirect URI', async () => {
    const cwd = await freshDir();
    const none = await rdhooks(['auth', 'url'], { cwd });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('error: rdhooks auth url needs --client-id (or RDSTATION_CLIENT_ID) and --redirect-uri.');
    const relative = await rdhooks(['auth', 'url', '--redirect-uri', '/callback'], { cwd, env: { RDSTATION_CLIENT_ID: 'app' } });
    expect(relative.stderr).toContain('--redirect-uri must be an absolute http(s) URL');
    const ok = await rdhooks(['auth', 'url', '--redirect-uri', 'https://example.com/cb'], { cwd, env: { RDSTATION_CLIENT_ID: 'my app' } });
    expect(ok.stdout).toBe('https://api.rd.services/auth/dialog?client_id=my+app&redirect_uri=https%3A%2F%2Fexample.com%2Fcb\n');
  });

  it('refuses options of another action', async () => {
    const r = await rdhooks(['auth', 'check', '--code', 'abc'], { cwd: await freshDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: --code does not apply to rdhooks auth check.');
  });
});
