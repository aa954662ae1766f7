import { describe, expect, it } from '@jest/globals';
import { EMULATOR_CREDENTIALS, type EmulatorHandle } from '../../src/emulator/server.js';
import { emulators } from '../helpers/emulator.js';

const emulator = emulators();

const dialog = (e: EmulatorHandle, query: string) => fetch(`${e.url}/auth/dialog?${query}`, { redirect: 'manual' });

const exchange = (e: EmulatorHandle, code: string) =>
  fetch(`${e.url}/auth/token?token_by=code`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: EMULATOR_CREDENTIALS.clientId, client_secret: EMULATOR_CREDENTIALS.clientSecret, code }),
  });

async function codeFrom(e: EmulatorHandle): Promise<string> {
  const res = await dialog(e, `client_id=${EMULATOR_CREDENTIALS.clientId}&redirect_uri=${encodeURIComponent('https://example.com/cb?keep=1')}`);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  expect(location.searchParams.get('keep')).toBe('1');
  return location.searchParams.get('code') ?? '';
}

describe('emulator GET /auth/dialog', () => {
  it('redirects with a fresh code each time, which the code grant accepts once', async () => {
    const e = await emulator();
    const [a, b] = [await codeFrom(e), await codeFrom(e)];
    expect(a).not.toBe(b);
    const first = await exchange(e, a);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ access_token: expect.stringMatching(/^emu_/), expires_in: 86400, refresh_token: EMULATOR_CREDENTIALS.refreshToken });
    const reused = await exchange(e, a);
    expect(reused.status).toBe(401);
    expect(await reused.json()).toEqual({ errors: { error_type: 'EXPIRED_CODE_GRANT', error_message: 'The authorization code grant has expired.' } });
    expect((await exchange(e, b)).status).toBe(200);
    expect((await exchange(e, 'never-issued')).status).toBe(401);
  });

  it('refuses a code after its hour', async () => {
    let t = 1_700_000_000_000;
    const e = await emulator({ now: () => t });
    const code = await codeFrom(e);
    t += 3600 * 1000;
    const res = await exchange(e, code);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('EXPIRED_CODE_GRANT');
  });

  it('still accepts the fixed emulator code once', async () => {
    const e = await emulator();
    expect((await exchange(e, EMULATOR_CREDENTIALS.authCode)).status).toBe(200);
    expect((await exchange(e, EMULATOR_CREDENTIALS.authCode)).status).toBe(401);
  });

  it.each([
    ['an unknown client_id', 'client_id=other&redirect_uri=https%3A%2F%2Fexample.com%2Fcb', 401, 'ACCESS_DENIED'],
    ['no redirect_uri', `client_id=${EMULATOR_CREDENTIALS.clientId}`, 400, 'CANNOT_BE_NULL'],
    ['no client_id', 'redirect_uri=https%3A%2F%2Fexample.com%2Fcb', 400, 'CANNOT_BE_NULL'],
    ['a relative redirect_uri', `client_id=${EMULATOR_CREDENTIALS.clientId}&redirect_uri=%2Fcb`, 400, 'INVALID_REDIRECT_URI'],
  ])('refuses %s', async (_what, query, status, type) => {
    const e = await emulator();
    const res = await dialog(e, query);
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(type);
  });
});
