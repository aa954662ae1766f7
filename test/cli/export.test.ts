import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { rdhooks } from '../helpers/cli.js';
import { apiFixturePath } from '../helpers/fixtures.js';
import { emulatorProcesses } from '../helpers/emulator-process.js';
import { tempDirs } from '../helpers/tmp.js';

const runEmulator = emulatorProcesses();
const freshDir = tempDirs('export');

interface Manifest {
  version: number;
  webhooks: Record<string, unknown>[];
}

describe('rdhooks export --emulator', () => {
  it('works on a fresh directory with no credentials and no network', async () => {
    const cwd = await freshDir();
    const r = await rdhooks(['export', '--emulator'], { cwd });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^# Exported by rdhooks \S+ on \d{4}-\d{2}-\d{2} from emulator:\.rdhooks\/emulator\.json$/);
    expect(r.stdout).toContain('# yaml-language-server: $schema=./node_modules/rdhooks/schemas/webhooks.schema.json\nversion: 1\n');
    const m = parse(r.stdout) as Manifest;
    expect(m.version).toBe(1);
    expect(m.webhooks.map((w) => w.event_type)).toEqual(['WEBHOOK.CONVERTED', 'WEBHOOK.MARKED_OPPORTUNITY', 'crm_deal_created']);
    for (const w of m.webhooks) {
      expect(w.uuid).toEqual(expect.any(String));
      expect(w).not.toHaveProperty('entity_type');
      expect(w).not.toHaveProperty('http_method');
    }
    expect(existsSync(join(cwd, '.rdhooks', 'emulator.json'))).toBe(true);
    expect(r.stderr).toContain('Exported 3 webhooks.');
  });

  it('keeps its state between runs', async () => {
    const cwd = await freshDir();
    await rdhooks(['export', '--emulator'], { cwd });
    const state = JSON.parse(await readFile(join(cwd, '.rdhooks', 'emulator.json'), 'utf8')) as { webhooks: unknown[] };
    state.webhooks = state.webhooks.slice(0, 1);
    await writeFile(join(cwd, '.rdhooks', 'emulator.json'), JSON.stringify(state));
    const r = await rdhooks(['export', '--emulator'], { cwd });
    expect((parse(r.stdout) as Manifest).webhooks).toHaveLength(1);
  });

  it('writes --out FILE, refuses to overwrite it, and overwrites with --force', async () => {
    const cwd = await freshDir();
    const first = await rdhooks(['export', '--emulator', '--out', 'webhooks.yaml'], { cwd });
    expect(first).toMatchObject({ code: 0, stdout: '' });
    expect(first.stderr).toContain('Exported 3 webhooks to webhooks.yaml.');
    expect((parse(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')) as Manifest).webhooks).toHaveLength(3);
    await writeFile(join(cwd, 'webhooks.yaml'), 'mine\n');
    const refused = await rdhooks(['export', '--emulator', '--out', 'webhooks.yaml'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: webhooks.yaml already exists; export does not overwrite it.\n  Pass --force to overwrite it');
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe('mine\n');
    const forced = await rdhooks(['export', '--emulator', '--out', 'webhooks.yaml', '--force'], { cwd });
    expect(forced.code).toBe(0);
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toContain('version: 1');
  });

  it('--debug logs each request without tokens', async () => {
    const cwd = await freshDir();
    const r = await rdhooks(['export', '--emulator', '--debug'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/debug: ← GET \/integrations\/webhooks 200 in \d+ ms \(attempt 1\)/);
    expect(r.stderr).not.toMatch(/emu_|Bearer/);
  });
});

describe('rdhooks export against rdhooks emulator --seed', () => {
  it('exports the seeded account with the printed access token, and stops on SIGTERM', async () => {
    const cwd = await freshDir();
    const emu = await runEmulator(['--seed', apiFixturePath('seed-two-webhooks.json'), '--suspend', '11111111-1111-4111-8111-111111111111'], cwd);
    const r = await rdhooks(['export'], { cwd, env: { RDSTATION_API_URL: emu.url, RDSTATION_ACCESS_TOKEN: emu.token } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`from ${emu.url}\n`);
    expect(r.stdout).toContain('  # status: suspended');
    expect((parse(r.stdout) as Manifest).webhooks).toEqual([
      { uuid: '22222222-2222-4222-8222-222222222222', event_type: 'WEBHOOK.CONVERTED', url: 'https://a.example.com/conv', event_identifiers: ['alpha', 'zeta'], include_relations: ['COMPANY', 'CONTACT_FUNNEL'] },
      { uuid: '11111111-1111-4111-8111-111111111111', event_type: 'crm_deal_updated', url: 'https://b.example.com/deal' },
    ]);
    const stopped = await emu.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('rdhooks emulator stopped.');
  });

  it('exchanges the printed refresh credentials', async () => {
    const cwd = await freshDir();
    const emu = await runEmulator(['--seed', apiFixturePath('seed-two-webhooks.json')], cwd);
    const creds = Object.fromEntries([...emu.stderr().matchAll(/(RDSTATION_(?:CLIENT_ID|CLIENT_SECRET|REFRESH_TOKEN))=(\S+)/g)].map((m) => [m[1], m[2]]));
    const r = await rdhooks(['export'], { cwd, env: { RDSTATION_API_URL: emu.url, ...creds } });
    expect(r.code).toBe(0);
    expect((parse(r.stdout) as Manifest).webhooks).toHaveLength(2);
  });

  it('says what to check when the token is refused', async () => {
    const cwd = await freshDir();
    const emu = await runEmulator([], cwd);
    const r = await rdhooks(['export'], { cwd, env: { RDSTATION_API_URL: emu.url, RDSTATION_ACCESS_TOKEN: 'bogus-token-4242' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: RD Station answered 401 to GET /marketing/account_info');
    expect(r.stderr).toContain('Check the credentials');
    expect(r.stderr).not.toContain('bogus-token-4242');
  });
});

describe('rdhooks emulator fault flags', () => {
  it('--fail-rate 1 answers every webhook call with a 5xx, which rdhooks reports after its retries', async () => {
    const cwd = await freshDir();
    const emu = await runEmulator(['--fail-rate', '1'], cwd);
    const r = await rdhooks(['export', '--retries', '1'], { cwd, env: { RDSTATION_API_URL: emu.url, RDSTATION_ACCESS_TOKEN: emu.token } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: RD Station answered 50[03] to GET \/(integrations\/webhooks|marketing\/account_info)/);
    expect(r.stderr).not.toContain('    at ');
  });

  it('--validate-urls refuses a create whose target does not answer, and rdhooks names the URL', async () => {
    const cwd = await freshDir();
    const emu = await runEmulator(['--validate-urls'], cwd);
    const creds = Object.fromEntries([...emu.stderr().matchAll(/(RDSTATION_(?:CLIENT_ID|CLIENT_SECRET|REFRESH_TOKEN))=(\S+)/g)].map((m) => [m[1], m[2]]));
    // Nothing listens on port 9 of loopback: RD's check of the target fails, as it would for a dead receiver.
    await writeFile(join(cwd, 'webhooks.yaml'), 'version: 1\nwebhooks:\n  - {event_type: crm_deal_created, url: "http://127.0.0.1:9/dead"}\n');
    const r = await rdhooks(['apply', '--auto-approve'], { cwd, env: { RDSTATION_API_URL: emu.url, ...creds } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('http://127.0.0.1:9/dead');
    expect(r.stdout).toMatch(/could not validate the target URL|did not answer 2xx/);
    expect(r.stdout).not.toMatch(/check the credentials/i);
  });

  it('--state keeps the account across restarts', async () => {
    const cwd = await freshDir();
    const state = join(cwd, 'state.json');
    const first = await runEmulator(['--state', state, '--seed', apiFixturePath('seed-two-webhooks.json')], cwd);
    await first.stop();
    const second = await runEmulator(['--state', state], cwd);
    const r = await rdhooks(['export'], { cwd, env: { RDSTATION_API_URL: second.url, RDSTATION_ACCESS_TOKEN: second.token } });
    expect(r.code).toBe(0);
    expect((parse(r.stdout) as Manifest).webhooks).toHaveLength(2);
  });
});

describe('rdhooks export without a usable connection', () => {
  it('names the credential variables when none is set', async () => {
    const r = await rdhooks(['export'], { cwd: await freshDir() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    for (const v of ['RDSTATION_ACCESS_TOKEN', 'RDSTATION_CLIENT_ID', 'RDSTATION_CLIENT_SECRET', 'RDSTATION_REFRESH_TOKEN']) expect(r.stderr).toContain(v);
  });

  it('refuses plain http to a non-loopback host', async () => {
    const r = await rdhooks(['export', '--api-url', 'http://api.rd.services'], { cwd: await freshDir(), env: { RDSTATION_ACCESS_TOKEN: 'x-123456' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Refusing plain http for api.rd.services');
  });

  it('reports a refused connection with the URL to check', async () => {
    const r = await rdhooks(['export', '--api-url', 'http://127.0.0.1:9', '--retries', '0'], { cwd: await freshDir(), env: { RDSTATION_ACCESS_TOKEN: 'x-123456' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: GET /marketing/account_info failed (ECONNREFUSED)');
    expect(r.stderr).toContain('http://127.0.0.1:9');
  });
});
