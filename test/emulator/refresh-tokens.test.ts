/** The emulator's refresh tokens: rotation, idle expiry, per account or for all, at /auth/token and /oauth2/token. */
import { describe, expect, it } from '@jest/globals';
import { EMULATOR_CREDENTIALS, type EmulatorHandle } from '../../src/emulator/server.js';
import { emulators } from '../helpers/emulator.js';

const emulator = emulators();

/** Refreshes `refreshToken` at `path`; the status and, on success, the refresh token answered. */
async function refresh(e: EmulatorHandle, refreshToken: string, path = '/auth/token'): Promise<{ status: number; refreshToken?: string; error?: string }> {
  const res = await fetch(`${e.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: EMULATOR_CREDENTIALS.clientId, client_secret: EMULATOR_CREDENTIALS.clientSecret, refresh_token: refreshToken }),
  });
  const body = (await res.json()) as { refresh_token?: string; errors?: { error_type: string } };
  return { status: res.status, refreshToken: body.refresh_token, error: body.errors?.error_type };
}

describe('rotated refresh tokens', () => {
  it('answers a new refresh token on every refresh and revokes the old one', async () => {
    const e = await emulator({ rotateRefreshTokens: true });
    const first = await refresh(e, EMULATOR_CREDENTIALS.refreshToken);
    expect(first.status).toBe(200);
    expect(first.refreshToken).not.toBe(EMULATOR_CREDENTIALS.refreshToken);
    expect(e.credentials.refreshToken).toBe(first.refreshToken);
    expect(await refresh(e, EMULATOR_CREDENTIALS.refreshToken)).toEqual({ status: 401, error: 'INVALID_REFRESH_TOKEN' });
    const second = await refresh(e, first.refreshToken as string);
    expect(second.status).toBe(200);
    expect(second.refreshToken).not.toBe(first.refreshToken);
  });

  it('rotates only for the accounts that say so', async () => {
    const e = await emulator({ accounts: [{ name: 'A' }, { name: 'B', rotateRefreshTokens: true }] });
    const a = e.account('A').credentials.refreshToken;
    const b = e.account('B').credentials.refreshToken;
    expect((await refresh(e, a)).refreshToken).toBe(a);
    expect((await refresh(e, b)).refreshToken).not.toBe(b);
  });
});

describe('refresh tokens that expire when unused', () => {
  it('refuses a refresh token unused for refreshTokenIdleExpirySec; each use restarts the clock', async () => {
    let t = 1_700_000_000_000;
    const e = await emulator({ now: () => t, refreshTokenIdleExpirySec: 100 });
    const token = EMULATOR_CREDENTIALS.refreshToken;
    t += 99_000;
    expect((await refresh(e, token)).status).toBe(200);
    t += 99_000;
    expect((await refresh(e, token)).status).toBe(200);
    t += 100_000;
    expect(await refresh(e, token)).toEqual({ status: 401, error: 'INVALID_REFRESH_TOKEN' });
    t += 1_000;
    expect((await refresh(e, token)).status).toBe(401);
  });

  it('starts the clock of a rotated token when it is issued', async () => {
    let t = 1_700_000_000_000;
    const e = await emulator({ now: () => t, refreshTokenIdleExpirySec: 60, rotateRefreshTokens: true });
    t += 59_000;
    const next = (await refresh(e, EMULATOR_CREDENTIALS.refreshToken)).refreshToken as string;
    t += 59_000;
    expect((await refresh(e, next)).status).toBe(200);
  });

  it('takes an account’s own setting over the emulator’s', async () => {
    let t = 1_700_000_000_000;
    const e = await emulator({ now: () => t, refreshTokenIdleExpirySec: 10, accounts: [{ name: 'A' }, { name: 'B', refreshTokenIdleExpirySec: 1000 }] });
    t += 20_000;
    expect((await refresh(e, e.account('A').credentials.refreshToken)).status).toBe(401);
    expect((await refresh(e, e.account('B').credentials.refreshToken)).status).toBe(200);
  });

  it('never expires refresh tokens by default, as RD documents for /auth/token', async () => {
    let t = 1_700_000_000_000;
    const e = await emulator({ now: () => t });
    t += 365 * 86_400_000;
    expect((await refresh(e, EMULATOR_CREDENTIALS.refreshToken)).status).toBe(200);
  });
});

describe('POST /oauth2/token', () => {
  it('serves the refresh and code grants as /auth/token does, JSON or form-encoded', async () => {
    const e = await emulator({ rotateRefreshTokens: true });
    const rotated = await refresh(e, EMULATOR_CREDENTIALS.refreshToken, '/oauth2/token');
    expect(rotated.status).toBe(200);
    const form = new URLSearchParams({
      grant_type: 'refresh_token', client_id: EMULATOR_CREDENTIALS.clientId, client_secret: EMULATOR_CREDENTIALS.clientSecret, refresh_token: rotated.refreshToken as string,
    });
    const res = await fetch(`${e.url}/oauth2/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(res.status).toBe(200);
    const code = await fetch(`${e.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', client_id: EMULATOR_CREDENTIALS.clientId, client_secret: EMULATOR_CREDENTIALS.clientSecret, code: EMULATOR_CREDENTIALS.authCode }),
    });
    expect(await code.json()).toEqual({ access_token: expect.stringMatching(/^emu_/), expires_in: 86400, refresh_token: e.credentials.refreshToken });
    expect(e.count('POST', '/oauth2/token')).toBe(3);
  });
});
