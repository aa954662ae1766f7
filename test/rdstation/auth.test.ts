import { describe, expect, it } from '@jest/globals';
import { credentialsFromEnv, TokenProvider } from '../../src/rdstation/auth.js';
import { checkApiUrl, checkTokenUrl } from '../../src/rdstation/apiurl.js';
import { UserError } from '../../src/shared/errors.js';
import { createRedactor } from '../../src/rdstation/secrets.js';

describe('credentialsFromEnv', () => {
  it('reads an access token', () => {
    expect(credentialsFromEnv({ RDSTATION_ACCESS_TOKEN: 'tok-123456' })).toEqual({ accessToken: 'tok-123456' });
  });

  it('reads refresh credentials', () => {
    expect(credentialsFromEnv({ RDSTATION_CLIENT_ID: 'id', RDSTATION_CLIENT_SECRET: 'sec', RDSTATION_REFRESH_TOKEN: 'ref' })).toEqual({
      refresh: { clientId: 'id', clientSecret: 'sec', refreshToken: 'ref' },
    });
  });

  it('names every variable when none is set', () => {
    let err: unknown;
    try {
      credentialsFromEnv({});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const text = `${(err as UserError).message} ${(err as UserError).hint}`;
    for (const v of ['RDSTATION_ACCESS_TOKEN', 'RDSTATION_CLIENT_ID', 'RDSTATION_CLIENT_SECRET', 'RDSTATION_REFRESH_TOKEN']) expect(text).toContain(v);
  });

  it('names the missing half of refresh credentials', () => {
    expect(() => credentialsFromEnv({ RDSTATION_CLIENT_ID: 'id' })).toThrow(/RDSTATION_CLIENT_SECRET and RDSTATION_REFRESH_TOKEN are not set/);
  });
});

describe('TokenProvider', () => {
  it('exchanges on first use, once for concurrent callers, and refreshes before expiry', async () => {
    let t = 0;
    let calls = 0;
    const provider = new TokenProvider(
      { refresh: { clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' } },
      async () => ({ access_token: `access-${++calls}`, expires_in: 7200, refresh_token: 'refresh' }),
      { now: () => t },
    );
    expect(await Promise.all([provider.token(), provider.token()])).toEqual(['access-1', 'access-1']);
    expect(provider.fromExchange('access-1')).toBe(true);
    t = 7200 * 1000 - 30_000;
    expect(await provider.token()).toBe('access-2');
  });

  it('announces a new refresh token without printing it', async () => {
    const notices: string[] = [];
    const provider = new TokenProvider(
      { refresh: { clientId: 'id', clientSecret: 'secret', refreshToken: 'old-refresh-token' } },
      async () => ({ access_token: 'a', refresh_token: 'NEW-REFRESH-TOKEN-xyz' }),
      { notice: (l) => notices.push(l) },
    );
    await provider.token();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/new refresh token/);
    expect(notices[0]).toMatch(/RDSTATION_REFRESH_TOKEN/);
    expect(notices[0]).not.toContain('NEW-REFRESH-TOKEN-xyz');
  });
});

describe('checkApiUrl', () => {
  it.each([
    ['https://api.rd.services/', 'https://api.rd.services'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost:1234/', 'http://localhost:1234'],
    ['http://[::1]:99', 'http://[::1]:99'],
  ])('accepts %s', (raw, expected) => {
    expect(checkApiUrl(raw)).toBe(expected);
  });

  it.each(['http://api.rd.services', 'http://10.0.0.5:80', 'ftp://x', 'not a url'])('refuses %s', (raw) => {
    expect(() => checkApiUrl(raw)).toThrow(UserError);
  });

  it('explains that plain http is for loopback only', () => {
    expect(() => checkApiUrl('http://example.com')).toThrow(/Refusing plain http/);
  });
});

describe('checkTokenUrl', () => {
  it.each([
    ['https://api.rd.services/oauth2/token', 'https://api.rd.services/oauth2/token'],
    [' http://localhost:8080/auth/token ', 'http://localhost:8080/auth/token'],
  ])('accepts %s', (raw, expected) => {
    expect(checkTokenUrl(raw)).toBe(expected);
  });

  it('names RDSTATION_TOKEN_URL when it refuses one', () => {
    expect(() => checkTokenUrl('http://10.0.0.5/oauth2/token')).toThrow(UserError);
    let err: unknown;
    try {
      checkTokenUrl('ftp://x');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ message: 'The token URL must use https (it starts with ftp:).', hint: 'Set RDSTATION_TOKEN_URL to e.g. https://api.rd.services/auth/token.' });
  });
});

describe('redaction', () => {
  it('hides known secrets and anything shaped like a token', () => {
    const redact = createRedactor(['SECRET-VALUE-1']);
    redact.add('LATER-TOKEN-2');
    expect(redact('a SECRET-VALUE-1 b LATER-TOKEN-2')).toBe('a [redacted] b [redacted]');
    expect(redact('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
    expect(redact('{"refresh_token":"zzz","x":1}')).toBe('{"refresh_token":"[redacted]","x":1}');
    expect(redact('client_secret=s3cr3t&a=1')).toBe('client_secret=[redacted]&a=1');
  });

  it('masks URL credentials and query values', () => {
  });
});
