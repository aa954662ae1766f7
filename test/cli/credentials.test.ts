/** Credentials from an env file, and rotated refresh tokens written back where they came from (never lost). */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { EXIT } from '../../src/cli/command.js';
import { rdhooks } from '../helpers/cli.js';
import { emulatorProcesses } from '../helpers/emulator-process.js';
import { tempDirs } from '../helpers/tmp.js';
import { expectExit } from '../helpers/workspace.js';

const freshDir = tempDirs('credentials');
const handles: EmulatorHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

const MANIFEST = 'version: 1\nwebhooks: []\n';

async function emulator(rotate: boolean): Promise<EmulatorHandle> {
  const h = await startEmulator({ rotateRefreshTokens: rotate });
  handles.push(h);
  return h;
}

/** A folder with a manifest and, when given, other files. */
async function folder(files: Record<string, string> = {}): Promise<string> {
  const cwd = await freshDir();
  await writeFile(join(cwd, 'webhooks.yaml'), MANIFEST);
  for (const [name, text] of Object.entries(files)) await writeFile(join(cwd, name), text);
  return cwd;
}

describe('auth exchange --credentials-file', () => {
  it('keeps the credentials in a private, git-ignored file that every command then reads', async () => {
    const e = await emulator(false);
    const cwd = await folder();
    const app = { RDSTATION_CLIENT_ID: e.credentials.clientId, RDSTATION_CLIENT_SECRET: e.credentials.clientSecret, RDSTATION_API_URL: e.url };
    const exchange = await rdhooks(['auth', 'exchange', '--code', e.credentials.authCode, '--credentials-file', '.rdhooks/credentials.env'], { cwd, env: app });
    expectExit(exchange, EXIT.ok);
    expect(exchange.stdout).toBe(`${e.credentials.refreshToken}\n`);
    const file = join(cwd, '.rdhooks/credentials.env');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(
      `RDSTATION_CLIENT_ID=${e.credentials.clientId}\nRDSTATION_CLIENT_SECRET=${e.credentials.clientSecret}\nRDSTATION_REFRESH_TOKEN=${e.credentials.refreshToken}\n`,
    );
    expect(await readFile(join(cwd, '.rdhooks/.gitignore'), 'utf8')).toBe('*\n');

    // No credential in the environment: the file is read.
    const check = await rdhooks(['auth', 'check'], { cwd, env: { RDSTATION_API_URL: e.url } });
    expectExit(check, EXIT.ok);
    expectExit(await rdhooks(['plan'], { cwd, env: { RDSTATION_API_URL: e.url } }), EXIT.ok);
  });

  it('says which file is missing when --credentials-file names none', async () => {
    const e = await emulator(false);
    const r = await rdhooks(['plan', '--credentials-file', 'nope.env'], { cwd: await folder(), env: { RDSTATION_API_URL: e.url } });
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain('error: the credentials file nope.env does not exist.');
  });
});

describe('a refresh token RD rotates is never lost', () => {
  const app = (e: EmulatorHandle) => ({ RDSTATION_API_URL: e.url, RDSTATION_CLIENT_ID: e.credentials.clientId, RDSTATION_CLIENT_SECRET: e.credentials.clientSecret });

  it('is written back to the env file it came from, and the next run works with it', async () => {
    const e = await emulator(true);
    const first = e.credentials.refreshToken;
    const cwd = await folder({ 'creds.env': `# mine\nRDSTATION_CLIENT_ID=${e.credentials.clientId}\nRDSTATION_CLIENT_SECRET=${e.credentials.clientSecret}\nRDSTATION_REFRESH_TOKEN=${first}\n` });
    const r = await rdhooks(['plan', '--credentials-file', 'creds.env'], { cwd, env: { RDSTATION_API_URL: e.url } });
    expectExit(r, EXIT.ok);
    const rotated = e.credentials.refreshToken;
    expect(rotated).not.toBe(first);
    expect(await readFile(join(cwd, 'creds.env'), 'utf8')).toContain(`# mine\n`);
    expect(await readFile(join(cwd, 'creds.env'), 'utf8')).toContain(`RDSTATION_REFRESH_TOKEN=${rotated}\n`);
    expect(r.stderr).toContain('RD Station issued a new refresh token; rdhooks saved it to creds.env.');
    expect(r.stdout + r.stderr).not.toContain(rotated);
    expectExit(await rdhooks(['plan', '--credentials-file', 'creds.env'], { cwd, env: { RDSTATION_API_URL: e.url } }), EXIT.ok);
  });

  it('is written back to RDSTATION_REFRESH_TOKEN_FILE', async () => {
    const e = await emulator(true);
    const cwd = await folder({ token: `${e.credentials.refreshToken}\n` });
    const r = await rdhooks(['plan'], { cwd, env: { ...app(e), RDSTATION_REFRESH_TOKEN_FILE: 'token' } });
    expectExit(r, EXIT.ok);
    expect(await readFile(join(cwd, 'token'), 'utf8')).toBe(`${e.credentials.refreshToken}\n`);
    expect((await stat(join(cwd, 'token'))).mode & 0o777).toBe(0o600);
  });

  it('in GitHub Actions, is masked and set in the step output refresh-tokens, by the secret it replaces', async () => {
    const e = await emulator(true);
    const cwd = await folder({ output: '' });
    const r = await rdhooks(['plan', '--format', 'json'], {
      cwd,
      env: { ...app(e), RDSTATION_REFRESH_TOKEN: e.credentials.refreshToken, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(cwd, 'output') },
    });
    expectExit(r, EXIT.ok);
    const rotated = e.credentials.refreshToken;
    expect(r.stderr.split('\n')[0]).toBe(`::add-mask::${rotated}`);
    expect(await readFile(join(cwd, 'output'), 'utf8')).toBe(`refresh-tokens={"RDSTATION_REFRESH_TOKEN":"${rotated}"}\n`);
    expect(JSON.parse(r.stdout)).toMatchObject({ format_version: 2 });
    expect(r.stderr).toContain('::warning title=rdhooks: new refresh token::');
    expect(r.stdout).not.toContain(rotated);
  });

  it('elsewhere, from the environment, brings a prominent warning and is never printed', async () => {
    const e = await emulator(true);
    const r = await rdhooks(['plan'], { cwd: await folder(), env: { ...app(e), RDSTATION_REFRESH_TOKEN: e.credentials.refreshToken } });
    expectExit(r, EXIT.ok);
    expect(r.stderr).toContain('!!! RD Station issued a new refresh token, and the one in RDSTATION_REFRESH_TOKEN may stop working. !!!');
    expect(r.stdout + r.stderr).not.toContain(e.credentials.refreshToken);
  });
});

describe('refused refresh credentials', () => {
  it.each([['plan'], ['apply', '--auto-approve']])('%s says what to do, with no stack, whichever call meets the refusal first', async (...args) => {
    const e = await emulator(false);
    const r = await rdhooks(args, {
      cwd: await folder(),
      env: { RDSTATION_API_URL: e.url, RDSTATION_CLIENT_ID: e.credentials.clientId, RDSTATION_CLIENT_SECRET: e.credentials.clientSecret, RDSTATION_REFRESH_TOKEN: 'revoked-refresh' },
    });
    expectExit(r, EXIT.error);
    expect(r.stderr.split('\n')[0]).toBe('error: RD Station answered 401 to POST /auth/token: The provided refresh token is invalid or was revoked. (INVALID_REFRESH_TOKEN)');
    expect(r.stderr).not.toMatch(/^\s+at |chunk-/m);
  });
});

describe('RDSTATION_TOKEN_URL', () => {
  it("points the token exchange at RD's newer endpoint", async () => {
    const e = await emulator(false);
    const r = await rdhooks(['plan'], {
      cwd: await folder(),
      env: {
        RDSTATION_API_URL: e.url,
        RDSTATION_TOKEN_URL: `${e.url}/oauth2/token`,
        RDSTATION_CLIENT_ID: e.credentials.clientId,
        RDSTATION_CLIENT_SECRET: e.credentials.clientSecret,
        RDSTATION_REFRESH_TOKEN: e.credentials.refreshToken,
      },
    });
    expectExit(r, EXIT.ok);
    expect(e.count('POST', '/oauth2/token')).toBe(1);
    expect(e.count('POST', '/auth/token')).toBe(0);
  });

  it('is checked like the API URL, before anything is sent', async () => {
    const r = await rdhooks(['plan'], { cwd: await folder(), env: { RDSTATION_TOKEN_URL: 'http://evil.example.com/token' } });
    expectExit(r, EXIT.error);
    expect(r.stderr.split('\n')[0]).toContain('error: RDSTATION_TOKEN_URL "http://evil.example.com/token":');
  });
});

describe('rdhooks emulator --rotate-refresh-tokens --refresh-token-expiry', () => {
  const runEmulator = emulatorProcesses();

  it('rotates on every refresh (the new token saved, the old refused) and expires an unused refresh token', async () => {
    const cwd = await folder();
    const e = await runEmulator(['--rotate-refresh-tokens', '--refresh-token-expiry', '1'], cwd);
    const app = { RDSTATION_API_URL: e.url, RDSTATION_CLIENT_ID: String(e.refresh.RDSTATION_CLIENT_ID), RDSTATION_CLIENT_SECRET: String(e.refresh.RDSTATION_CLIENT_SECRET) };
    const first = String(e.refresh.RDSTATION_REFRESH_TOKEN);
    await writeFile(join(cwd, 'token'), `${first}\n`);
    expectExit(await rdhooks(['plan'], { cwd, env: { ...app, RDSTATION_REFRESH_TOKEN_FILE: 'token' } }), EXIT.ok);
    const second = (await readFile(join(cwd, 'token'), 'utf8')).trim();
    expect(second).not.toBe(first);

    const stale = await rdhooks(['plan'], { cwd, env: { ...app, RDSTATION_REFRESH_TOKEN: first } });
    expectExit(stale, EXIT.error);
    expect(stale.stderr).toContain('INVALID_REFRESH_TOKEN');

    // Unused for longer than its expiry, the saved token is refused too, with what to do.
    await new Promise((r) => setTimeout(r, 2500));
    const expired = await rdhooks(['plan'], { cwd, env: { ...app, RDSTATION_REFRESH_TOKEN_FILE: 'token' } });
    expectExit(expired, EXIT.error);
    expect(expired.stderr).toContain('INVALID_REFRESH_TOKEN');
    expect(expired.stderr).toContain('authorize the app again');
    expect(expired.stdout + expired.stderr).not.toContain(second);
  }, 60_000);
});
