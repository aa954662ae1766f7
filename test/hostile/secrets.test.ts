/**
 * Secrets never leak: every command that talks to the API, run with distinctive credentials, with --debug and
 * with failures injected, prints no token or client secret on stdout or stderr, nor in a saved plan or summary.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { rdhooks, type CliResult } from '../helpers/cli.js';

const CLIENT_ID = 'client-id-QzX81';
const CLIENT_SECRET = 'client-secret-Wq93kLpZ';
const REFRESH_TOKEN = 'refresh-token-Ht55vBnM';

const MANIFEST = `version: 1
webhooks:
  - name: leads
    event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/leads
  - name: deals
    event_type: crm_deal_created
    url: https://hooks.example.com/deals
`;

const emulators: EmulatorHandle[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
afterAll(async () => {
  for (const e of emulators) await e.close();
});

async function emulatorWith(options: Parameters<typeof startEmulator>[0]): Promise<EmulatorHandle> {
  const e = await startEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN, ...options });
  emulators.push(e);
  return e;
}

async function workdir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rdhooks-secrets-'));
  dirs.push(d);
  await writeFile(join(d, 'webhooks.yaml'), MANIFEST);
  return d;
}

/** Every secret the run could have seen: the configured ones and every token the emulator issued. */
function secretsOf(e: EmulatorHandle, extra: string[] = []): string[] {
  expect(e.issuedTokens().length).toBeGreaterThan(0);
  return [CLIENT_SECRET, REFRESH_TOKEN, e.credentials.refreshToken, ...e.issuedTokens(), ...extra];
}

/** stdout, stderr and every file the run left in its directory. */
async function everything(results: CliResult[], dir: string): Promise<string[]> {
  const files = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), 'utf8')));
  return [...results.flatMap((r) => [r.stdout, r.stderr]), ...texts];
}

function expectNoSecret(texts: string[], secrets: string[]): void {
  expect(secrets.length).toBeGreaterThan(2);
  for (const secret of secrets) {
    for (const text of texts) expect(text.includes(secret) ? `leaked ${secret}` : 'clean').toBe('clean');
  }
}

describe('secrets stay out of every output', () => {
  it('with refresh credentials, --debug and injected failures, across commands', async () => {
    const e = await emulatorWith({ failRate: 0.3, random: ((seed) => () => ((seed = (seed * 16807) % 2147483647) / 2147483647))(7) });
    const cwd = await workdir();
    const env = { RDSTATION_API_URL: e.url, RDSTATION_CLIENT_ID: CLIENT_ID, RDSTATION_CLIENT_SECRET: CLIENT_SECRET, RDSTATION_REFRESH_TOKEN: REFRESH_TOKEN };
    const common = ['--debug', '--retries', '8', '--deadline', '30'];
    const results: CliResult[] = [];
    for (const args of [
      ['auth', 'check'],
      ['export', '--out', 'exported.yaml'],
      ['plan', '--out', 'plan.json', '--summary-file', 'summary.md', '--format', 'json'],
      ['apply', '--plan', 'plan.json', '--auto-approve', '--summary-file', 'summary.md'],
      ['apply', '--auto-approve', '--summary-file', 'summary.md'],
      ['pin', '--check'],
      ['pin'],
    ]) {
      results.push(await rdhooks([...args, ...common], { cwd, env, timeoutMs: 60_000 }));
    }
    // The debug log really was on, and the failures really were injected: the test exercised both paths.
    const stderr = results.map((r) => r.stderr).join('');
    expect(stderr).toContain('debug: ');
    expect(e.requests.some((r) => r.status >= 500)).toBe(true);
    // pin --check exits 1: the entries lack uuids until `pin` writes them.
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 1, 0]);
    expectNoSecret(await everything(results, cwd), secretsOf(e));
  }, 120_000);

  it('with a static access token refused by the API, and after the server rotates the refresh token', async () => {
    const e = await emulatorWith({ rotateRefreshTokens: true });
    const cwd = await workdir();
    const bogus = 'access-token-Zx00Refused';
    const refused = await rdhooks(['plan', '--debug'], { cwd, env: { RDSTATION_API_URL: e.url, RDSTATION_ACCESS_TOKEN: bogus } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('401');
    const env = { RDSTATION_API_URL: e.url, RDSTATION_CLIENT_ID: CLIENT_ID, RDSTATION_CLIENT_SECRET: CLIENT_SECRET, RDSTATION_REFRESH_TOKEN: REFRESH_TOKEN };
    const rotated = await rdhooks(['plan', '--debug', '--out', 'plan.json'], { cwd, env });
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toContain('RD Station issued a new refresh token, and the one in RDSTATION_REFRESH_TOKEN may stop working.');
    expect(e.credentials.refreshToken).not.toBe(REFRESH_TOKEN);
    expectNoSecret(await everything([refused, rotated], cwd), secretsOf(e, [bogus]));
  });

  it('auth exchange prints the refresh token, once, and never the access token or client secret', async () => {
    const e = await emulatorWith({});
    const cwd = await workdir();
    const env = { RDSTATION_API_URL: e.url, RDSTATION_CLIENT_ID: CLIENT_ID, RDSTATION_CLIENT_SECRET: CLIENT_SECRET };
    const r = await rdhooks(['auth', 'exchange', '--code', e.credentials.authCode, '--debug'], { cwd, env });
    expect(r.code).toBe(0);
    const printed = r.stdout.trim();
    expect(printed.length).toBeGreaterThan(10);
    expect(r.stderr).not.toContain(printed);
    expectNoSecret(await everything([r], cwd), [CLIENT_SECRET, ...e.issuedTokens(), e.credentials.authCode]);
  });
});
