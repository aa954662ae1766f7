/** The emulator's accounts: one OAuth app authorized by several accounts, each seeing only its own webhooks. */
import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_ACCOUNT_NAME, EMULATOR_CREDENTIALS, startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator/server.js';
import { createHttpApi } from '../../src/rdstation/http.js';
import type { WebhookApi } from '../../src/rdstation/api.js';
import { UserError } from '../../src/shared/errors.js';
import { normalizeSpec } from '../../src/shared/webhook.js';
import { failure } from '../helpers/failure.js';
import { emulators } from '../helpers/emulator.js';
import { tempDirs } from '../helpers/tmp.js';

const emulator = emulators();
const tempDir = tempDirs('accounts');

/** The HTTP client for one account, through its refresh token, as CI would use it. */
function clientOf(e: EmulatorHandle, name: string): WebhookApi {
  const { clientId, clientSecret, refreshToken } = e.account(name).credentials;
  return createHttpApi({ apiUrl: e.url, auth: { refresh: { clientId, clientSecret, refreshToken } }, sleep: async () => undefined });
}

const TWO = { accounts: [{ name: 'Acme Ltda' }, { name: 'Globex SA' }] };
const hook = (path: string) => normalizeSpec({ event_type: 'crm_deal_created', url: `https://hooks.example.com/${path}` });

describe('GET /marketing/account_info', () => {
  it('answers the default account name without accounts, and 401 without a token', async () => {
    const e = await emulator();
    expect(e.accounts).toEqual([DEFAULT_ACCOUNT_NAME]);
    const res = await fetch(`${e.url}/marketing/account_info`, { headers: { Authorization: `Bearer ${e.issueToken()}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'RD Station emulator' });
    expect((await fetch(`${e.url}/marketing/account_info`)).status).toBe(401);
  });

  it("answers the name of the token's account", async () => {
    const e = await emulator(TWO);
    expect(await clientOf(e, 'Acme Ltda').accountInfo()).toEqual({ name: 'Acme Ltda' });
    expect(await clientOf(e, 'Globex SA').accountInfo()).toEqual({ name: 'Globex SA' });
    const direct = await fetch(`${e.url}/marketing/account_info`, { headers: { Authorization: `Bearer ${e.account('Globex SA').issueToken()}` } });
    expect(await direct.json()).toEqual({ name: 'Globex SA' });
  });
});

describe('several accounts', () => {
  it('never lets one account see, change or delete the webhooks of another', async () => {
    const e = await emulator(TWO);
    const acme = clientOf(e, 'Acme Ltda');
    const globex = clientOf(e, 'Globex SA');
    const mine = await acme.create(hook('acme'));
    expect(await globex.list()).toEqual([]);
    // The same (event_type, url) is no duplicate in another account.
    const theirs = await globex.create(hook('acme'));
    expect((await failure(globex.get(mine.uuid))).status).toBe(404);
    expect((await failure(globex.update(mine.uuid, hook('moved')))).status).toBe(404);
    expect((await failure(globex.delete(mine.uuid))).status).toBe(404);
    expect(await acme.list()).toEqual([mine]);
    expect(await globex.list()).toEqual([theirs]);
    expect(e.account('Acme Ltda').store.snapshot().map((w) => w.uuid)).toEqual([mine.uuid]);
    expect(e.account('Globex SA').store.snapshot().map((w) => w.uuid)).toEqual([theirs.uuid]);
  });

  it('shares one OAuth app and gives each account its own refresh token, code and platform account id', async () => {
    const e = await emulator(TWO);
    const [a, b] = [e.account('Acme Ltda'), e.account('Globex SA')];
    expect(a.credentials).toEqual(EMULATOR_CREDENTIALS);
    expect(b.credentials).toEqual({ ...EMULATOR_CREDENTIALS, refreshToken: `${EMULATOR_CREDENTIALS.refreshToken}-2`, authCode: `${EMULATOR_CREDENTIALS.authCode}-2` });
    expect(a.store.platformAccountId).not.toBe(b.store.platformAccountId);
    // The handle's own store, credentials and issueToken are the first account's.
    expect(e.store).toBe(a.store);
    expect(e.credentials).toBe(a.credentials);
    await clientOf(e, 'Globex SA').create(hook('b'));
    const res = await fetch(`${e.url}/integrations/webhooks`, { headers: { Authorization: `Bearer ${e.issueToken()}` } });
    expect(await res.json()).toEqual({ webhooks: [] });
  });

  it("refuses one app's credentials for an account authorized with another app", async () => {
    const e = await emulator({ accounts: [{ name: 'A' }, { name: 'B', clientId: 'other-app', clientSecret: 'other-secret', refreshToken: 'refresh-b' }] });
    const tokenFor = (body: object) => fetch(`${e.url}/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const wrongApp = await tokenFor({ client_id: EMULATOR_CREDENTIALS.clientId, client_secret: EMULATOR_CREDENTIALS.clientSecret, refresh_token: 'refresh-b' });
    expect(wrongApp.status).toBe(401);
    expect(await wrongApp.text()).toContain('INVALID_REFRESH_TOKEN');
    expect((await tokenFor({ client_id: 'other-app', client_secret: 'other-secret', refresh_token: 'refresh-b' })).status).toBe(200);
  });

  it("authorizes the account chosen on the consent screen (account=NAME), else the first", async () => {
    const e = await emulator(TWO);
    const codeFor = async (query: string): Promise<string> => {
      const res = await fetch(`${e.url}/auth/dialog?client_id=${EMULATOR_CREDENTIALS.clientId}&redirect_uri=https%3A%2F%2Fexample.com%2Fcb${query}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      return new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    };
    const exchange = async (code: string) => {
      const res = await fetch(`${e.url}/auth/token?token_by=code`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_id: EMULATOR_CREDENTIALS.clientId, client_secret: EMULATOR_CREDENTIALS.clientSecret, code }),
      });
      return (await res.json()) as { refresh_token: string };
    };
    expect((await exchange(await codeFor('&account=Globex%20SA'))).refresh_token).toBe(e.account('Globex SA').credentials.refreshToken);
    expect((await exchange(await codeFor(''))).refresh_token).toBe(e.account('Acme Ltda').credentials.refreshToken);
    const unknown = await fetch(`${e.url}/auth/dialog?client_id=${EMULATOR_CREDENTIALS.clientId}&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&account=Initech`, { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ errors: { error_type: 'INVALID_ACCOUNT', error_message: 'No account is named "Initech" here; the emulator has "Acme Ltda", "Globex SA".' } });
  });

  it('keeps each account in its own state file, seeded from its own seed', async () => {
    const dir = await tempDir();
    const seed = [{ uuid: '11111111-1111-4111-8111-111111111111', event_type: 'crm_deal_updated', url: 'https://seed.example.com/a' }];
    const accounts = [
      { name: 'A', state: join(dir, 'a.json'), seed },
      { name: 'B', state: join(dir, 'b.json') },
    ];
    let e = await emulator({ accounts });
    await clientOf(e, 'B').create(hook('b'));
    await e.close();
    expect(JSON.parse(await readFile(join(dir, 'a.json'), 'utf8'))).toMatchObject({ webhooks: [{ uuid: '11111111-1111-4111-8111-111111111111' }] });
    expect(JSON.parse(await readFile(join(dir, 'b.json'), 'utf8'))).toMatchObject({ webhooks: [{ url: 'https://hooks.example.com/b' }] });
    e = await emulator({ accounts });
    expect(e.account('A').store.snapshot()).toHaveLength(1);
    expect(e.account('B').store.snapshot().map((w) => w.url)).toEqual(['https://hooks.example.com/b']);
  });

  it('suspends a webhook of any account through /_emulator', async () => {
    const e = await emulator(TWO);
    const w = await clientOf(e, 'Globex SA').create(hook('g'));
    expect((await fetch(`${e.url}/_emulator/webhooks/${w.uuid}/suspend`, { method: 'POST' })).status).toBe(204);
    expect((await clientOf(e, 'Globex SA').get(w.uuid)).status).toBe('suspended');
  });

  it.each([
    ['no account', { accounts: [] }, /at least one account/],
    ['a nameless account', { accounts: [{ name: ' ' }] }, /account #1 has no name/],
    ['two accounts of one name', { accounts: [{ name: 'A' }, { name: 'A' }] }, /share the name "A"/],
    ['two accounts of one refresh token', { accounts: [{ name: 'A', refreshToken: 'same-token' }, { name: 'B', refreshToken: 'same-token' }] }, /share the refresh token\.$/],
    ['two accounts of one state file', { accounts: [{ name: 'A', state: '/tmp/x/s.json' }, { name: 'B', state: '/tmp/x/../x/s.json' }] }, /share the state file/],
    ['accounts and a single-account seed', { accounts: [{ name: 'A' }], seed: [] }, /given accounts and also seed/],
  ])('refuses %s', async (_what, options, message) => {
    const err = await startEmulator(options as EmulatorOptions).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(message);
  });

  it('names the accounts it has when asked for another', async () => {
    const e = await emulator(TWO);
    expect(() => e.account('Initech')).toThrow(/no account named "Initech"/);
  });
});
