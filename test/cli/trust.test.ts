/**
 * Trust: nothing is written that the reviewed plan and the live account do not both justify. Saved plans are
 * re-derived and compared, never believed; the account is looked at again right before the first write; files
 * the user names are only ever regular files.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { lstat, mkdir, readFile, readlink, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, runCli } from '../../src/cli/run.js';
import type { Plan } from '../../src/plan/types.js';
import { aWebhook } from '../builders.js';
import { BIN, rdhooks } from '../helpers/cli.js';
import { writeCalls } from '../helpers/emulator.js';
import { tempDirs } from '../helpers/tmp.js';
import { A, B, HOOKS, LEGACY, MANIFEST as BASE, PROMPT } from '../helpers/account.js';
import { expectExit, memoryIo, workspaces } from '../helpers/workspace.js';

/** Updates a and b, creates c (its target URL carrying a secret); LEGACY is unmanaged. */
const MANIFEST = BASE.replace(`url: ${HOOKS}/c\n`, `url: ${HOOKS}/c?token=s3cret-token-value\n`);

const workspace = workspaces('trust');
const emptyDir = tempDirs('trust-empty');
const setup = (manifest = MANIFEST) => workspace([A, B, LEGACY], manifest);

/** Saves a plan, lets `tamper` edit its JSON, and applies it; returns the result and the writes made. */
async function applyTampered(tamper: (plan: Plan) => void, manifest = MANIFEST) {
  const { cwd, handle, cli } = await setup(manifest);
  expectExit(await cli(['plan', '--out', 'plan.json']), EXIT.ok);
  const plan = JSON.parse(await readFile(join(cwd, 'plan.json'), 'utf8')) as Plan;
  tamper(plan);
  await writeFile(join(cwd, 'plan.json'), JSON.stringify(plan));
  handle.requests.length = 0;
  const r = await cli(['apply', '--plan', 'plan.json']);
  return { r, writes: writeCalls(handle) };
}

describe('apply --plan re-plans and writes only the saved changes', () => {
  it('applies an untouched saved plan without asking, even without a terminal', async () => {
    const { r, writes } = await applyTampered(() => undefined);
    expectExit(r, EXIT.ok);
    expect(writes).toHaveLength(3);
    expect(r.stderr).not.toContain(PROMPT);
  });

  it.each([
    {
      name: 'an update edited into a delete',
      tamper: (p: Plan) => {
        const c = p.changes[1];
        if (c?.action === 'update') p.changes[1] = { action: 'delete', address: c.address, uuid: c.uuid, reason: c.reason, before: c.before };
      },
      says: `the saved plan would delete b (${B.uuid}), a plan made now would update b (${B.uuid})`,
    },
    {
      name: 'an added delete of an unmanaged webhook',
      tamper: (p: Plan) => {
        p.changes.unshift({ action: 'delete', address: 'legacy', uuid: LEGACY.uuid, reason: 'x', before: LEGACY });
      },
      says: 'change 1 differs: the saved plan would delete legacy',
    },
    {
      name: 'a changed target url',
      tamper: (p: Plan) => {
        const c = p.changes[0];
        if (c?.action === 'update') c.after.url = 'https://attacker.example.com/a';
      },
      says: 'would send url "https://attacker.example.com/a", a plan made now "https://hooks.example.com/a"',
    },
    {
      name: 'a masked value in a plan that says its values are shown',
      tamper: (p: Plan) => {
        const c = p.changes[2];
        if (c?.action === 'create') c.after.url = `${HOOKS}/c?token=***`;
      },
      says: 'would send url (in its sensitive part)',
    },
    {
      name: 'a removed change',
      tamper: (p: Plan) => void p.changes.pop(),
      says: 'a plan made now also has change 3: create c',
    },
    {
      name: 'a changed order',
      tamper: (p: Plan) => void p.changes.reverse(),
      says: 'change 1 differs',
    },
  ])('refuses $name: exit 1, zero writes, the first difference named', async ({ tamper, says }) => {
    const { r, writes } = await applyTampered(tamper);
    expectExit(r, EXIT.error);
    expect(writes).toEqual([]);
    expect(r.stderr).toContain('plan.json is not what a plan made now would do');
    expect(r.stderr).toContain(says);
    expect(r.stderr).toContain('Nothing was changed.');
    expect(r.stderr).not.toContain('s3cret-token-value');
  });

  it('recomputes safety: a plan whose unsafe verdict was removed is refused, and --force cannot bypass the comparison', async () => {
    const many = Array.from({ length: 12 }, (_, i) => aWebhook({ url: `${HOOKS}/old-${i}` }));
    const { cwd, handle, cli } = await workspace(many, 'version: 1\nprune: true\nwebhooks:\n  - event_type: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/old-0\n');
    expectExit(await cli(['plan', '--out', 'plan.json']), EXIT.ok);
    const plan = JSON.parse(await readFile(join(cwd, 'plan.json'), 'utf8')) as Plan;
    expect(plan.unsafe).toBeDefined();
    delete plan.unsafe;
    await writeFile(join(cwd, 'plan.json'), JSON.stringify(plan));
    handle.requests.length = 0;
    for (const args of [['apply', '--plan', 'plan.json'], ['apply', '--plan', 'plan.json', '--force']]) {
      const r = await cli(args);
      expectExit(r, EXIT.error);
      expect(r.stderr).toContain('a plan made now is unsafe');
    }
    expect(writeCalls(handle)).toEqual([]);
  });

  it('refuses a plan bound to another RD Station account', async () => {
    const { r, writes } = await applyTampered((p) => void (p.remote.account = 'Another Client Ltd'));
    expectExit(r, EXIT.error);
    expect(writes).toEqual([]);
    expect(r.stderr).toContain('it was made on the RD Station account "Another Client Ltd", and these credentials belong to "RD Station emulator"');
  });

  it('refuses when the manifest the plan names is missing, or another manifest is given', async () => {
    const { cwd, handle, cli } = await setup();
    expectExit(await cli(['plan', '--out', 'plan.json']), EXIT.ok);
    await writeFile(join(cwd, 'other.yaml'), MANIFEST);
    handle.requests.length = 0;

    const other = await cli(['apply', 'other.yaml', '--plan', 'plan.json']);
    expectExit(other, EXIT.error);
    expect(other.stderr).toContain('plan.json was made from webhooks.yaml, not from other.yaml; nothing was changed.');

    const same = await cli(['apply', './webhooks.yaml', '--plan', 'plan.json']);
    expectExit(same, EXIT.ok);

    await writeFile(join(cwd, 'plan2.json'), (await readFile(join(cwd, 'plan.json'), 'utf8')).replace('"path": "webhooks.yaml"', '"path": "gone.yaml"'));
    const missing = await cli(['apply', '--plan', 'plan2.json']);
    expectExit(missing, EXIT.error);
    expect(missing.stderr).toContain('plan2.json was made from gone.yaml, which does not exist here; nothing was changed.');
  });

  it.each([
    ['a FIFO', async (path: string) => void spawnSync('mkfifo', [path]), 'is a FIFO (named pipe), not a file'],
    ['a directory', async (path: string) => void (await mkdir(path)), 'it is a directory'],
    ['a huge file', async (path: string) => truncate(await writeFile(path, '').then(() => path), 300 * 1024 * 1024), 'larger than 256 MiB'],
    ['/dev/zero', async (path: string) => void (await symlink('/dev/zero', path)), 'is a device, not a file'],
  ])('refuses %s as the saved plan at once, never waiting on it', async (_what, make, says) => {
    const { cwd, handle, cli } = await setup();
    await make(join(cwd, 'weird.json'));
    const r = await cli(['apply', '--plan', 'weird.json']);
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain(`cannot read the saved plan weird.json: `);
    expect(r.stderr).toContain(says);
    expect(handle.requests).toEqual([]);
  }, 30_000);
});

describe('the account you confirmed is the account you write', () => {
  it('refuses when the account changes while the prompt waits, naming what changed', async () => {
    const { cwd, env, handle } = await setup();
    const { io, out } = memoryIo(cwd, env, {
      stdinTTY: true,
      prompt: PROMPT,
      answer: 'yes\n',
      onPrompt: async () => void (await handle.store.delete(LEGACY.uuid)),
    });
    const code = await runCli(['apply', '--api-url', handle.url], io);
    expect(code).toBe(EXIT.error);
    expect(out.stderr).toContain('The account changed after the plan above was made; nothing was changed:');
    expect(out.stderr).toContain(`deleted: ${LEGACY.uuid} (crm_deal_created https://legacy.example.com/x)`);
    expect(writeCalls(handle)).toEqual([]);
  });

  it.each([
    ['with --auto-approve', ['apply', '--auto-approve'], false],
    ['with --plan', ['apply', '--plan', 'plan.json'], true],
  ])('refuses %s when the account changes after it was listed for the plan', async (_what, args, saved) => {
    const { cwd, handle, cli } = await setup();
    if (saved) expectExit(await cli(['plan', '--out', 'plan.json']), EXIT.ok);
    let lists = 0;
    handle.requests.length = 0;
    const original = handle.store.list.bind(handle.store);
    // Someone edits b right after rdhooks listed the account to plan.
    handle.store.list = () => {
      const reply = original();
      if (++lists === 1) void handle.store.update(B.uuid, { ...B, url: `${HOOKS}/b-by-hand` });
      return reply;
    };
    const r = await cli(args);
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain(`changed: ${B.uuid} (WEBHOOK.MARKED_OPPORTUNITY ${HOOKS}/b): url "${HOOKS}/b" -> "${HOOKS}/b-by-hand"`);
    expect(writeCalls(handle)).toEqual([]);
    expect(cwd).toBeTruthy();
  });

  it('an interrupt during verification still prints the report, writes the summary, and exits 130', async () => {
    const { cwd, env, handle } = await setup();
    // Verification is the third listing; the emulator slows down once every write is done.
    handle.store.onChange = async () => {
      if (handle.store.snapshot().length === 4) handle.faults.latencyMs = 60_000;
    };
    const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--api-url', handle.url, '--summary-file', 'summary.md'], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('[3/3]')) setTimeout(() => child.kill('SIGINT'), 300);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect({ code, stderr }).toEqual({ code: EXIT.interrupted, stderr: expect.any(String) });
    expect(stdout).toContain('Apply complete: 1 created, 2 updated, 0 deleted. Not verified: interrupted while listing the account again');
    expect(await readFile(join(cwd, 'summary.md'), 'utf8')).toContain('### rdhooks apply');
  }, 60_000);
});

describe('files rdhooks writes', () => {
  it('plan --out writes through a symbolic link to a regular file, and refuses a FIFO or a directory without waiting', async () => {
    const { cwd, handle, cli } = await setup();
    await writeFile(join(cwd, 'real.json'), 'old');
    await symlink('real.json', join(cwd, 'link.json'));
    expectExit(await cli(['plan', '--out', 'link.json']), EXIT.ok);
    expect((await lstat(join(cwd, 'link.json'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(cwd, 'link.json'))).toBe('real.json');
    expect(JSON.parse(await readFile(join(cwd, 'real.json'), 'utf8'))).toMatchObject({ format_version: 2 });
    expect((await stat(join(cwd, 'real.json'))).mode & 0o777).toBe(0o600);

    spawnSync('mkfifo', [join(cwd, 'fifo')]);
    await mkdir(join(cwd, 'dir'));
    await symlink('/dev/null', join(cwd, 'devnull'));
    for (const [target, says] of [['fifo', 'fifo is a FIFO (named pipe)'], ['dir', 'dir is a directory'], ['devnull', 'devnull is a link to a device']]) {
      const r = await cli(['plan', '--out', target as string]);
      expectExit(r, EXIT.error);
      expect(r.stderr).toContain(says);
    }
    expect((await lstat(join(cwd, 'fifo'))).isFIFO()).toBe(true);
    expect(handle.requests.length).toBeGreaterThan(0);
  }, 30_000);

  it('a FIFO as --summary-file is a warning, never a wait', async () => {
    const { cwd, cli } = await setup();
    spawnSync('mkfifo', [join(cwd, 'summary')]);
    const r = await cli(['plan', '--summary-file', 'summary']);
    expectExit(r, EXIT.ok);
    expect(r.stderr).toContain('warning: could not append the summary to summary: summary is a FIFO (named pipe)');
  }, 30_000);

  it('export --out writes the manifest readable by its owner only, and refuses a FIFO', async () => {
    const { cwd, cli } = await setup();
    expectExit(await cli(['export', '--out', 'exported.yaml']), EXIT.ok);
    expect((await stat(join(cwd, 'exported.yaml'))).mode & 0o777).toBe(0o600);
    spawnSync('mkfifo', [join(cwd, 'fifo.yaml')]);
    const r = await cli(['export', '--out', 'fifo.yaml', '--force']);
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain('fifo.yaml is a FIFO (named pipe)');
  }, 30_000);
});

describe('flags are checked before anything is read or sent', () => {
  it.each([
    [['plan', '--timeout', '3000000'], '--timeout must be a number of seconds more than 0 and at most 2147483, not 3000000.'],
    [['plan', '--deadline', '0'], '--deadline must be a number of seconds more than 0 and at most 2147483, not 0.'],
    [['plan', '--retries', '1.5'], '--retries must be a whole number from 0 to 100, not 1.5.'],
    [['apply', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 64, not 0.'],
    [['plan', '--rate-limit', '-5'], '--rate-limit must be a number more than 0 and at most 1000000, not -5.'],
    [['plan', '--out'], '--out needs a value.'],
    [['plan', '--api-url', 'ftp://user:pw@example.com'], '--api-url "ftp://***:***@example.com": The API URL must use https (it starts with ftp:).'],
  ])('%j', async (args, message) => {
    // No manifest here, and nothing listens on port 9: an error about either would mean I/O came first.
    const r = await rdhooks(args, { cwd: await emptyDir(), env: { RDSTATION_API_URL: 'http://127.0.0.1:9' } });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });

  it('echoes a bad RDSTATION_API_URL, credentials masked', async () => {
    const r = await rdhooks(['plan'], { env: { RDSTATION_API_URL: 'http://user:hunter2@api.example.com' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RDSTATION_API_URL "http://***:***@api.example.com"');
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe('the manifest names the account it is for', () => {
  /** One emulator, two accounts; the files of the first, the credentials of either. */
  async function twoAccounts() {
    const { startEmulator } = await import('../../src/emulator/server.js');
    const e = await startEmulator({ accounts: [{ name: 'Client A', seed: [{ ...A }] }, { name: 'Client B', seed: [{ ...B }] }] });
    const cwd = await emptyDir();
    const guarded = `version: 1\naccount: Client A\nwebhooks:\n  - name: a\n    event_type: WEBHOOK.CONVERTED\n    url: ${HOOKS}/a\n    include_relations: [COMPANY]\n`;
    await writeFile(join(cwd, 'webhooks.yaml'), guarded);
    const as = (name: string) => ({ RDSTATION_API_URL: e.url, RDSTATION_ACCESS_TOKEN: e.account(name).issueToken() });
    return { e, cwd, guarded, as };
  }

  it('plan, apply, pin and export refuse credentials of another account, writing nothing', async () => {
    const { e, cwd, guarded, as } = await twoAccounts();
    try {
      for (const args of [['plan'], ['apply', '--auto-approve'], ['pin'], ['export', '--out', 'webhooks.yaml', '--force']]) {
        const r = await rdhooks(args, { cwd, env: as('Client B') });
        expectExit(r, EXIT.error);
        expect(r.stderr).toContain('error: The credentials belong to the RD Station account "Client B", but webhooks.yaml (account:) is for "Client A"; nothing was changed.');
      }
      expect(e.requests.filter((r) => r.method !== 'GET')).toEqual([]);
      expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe(guarded);
      expectExit(await rdhooks(['apply', '--auto-approve'], { cwd, env: as('Client A') }), EXIT.ok);
    } finally {
      await e.close();
    }
  });

  it('a plan saved with one account is refused with the credentials of another, on the same API', async () => {
    const { e, cwd, as } = await twoAccounts();
    try {
      await writeFile(join(cwd, 'webhooks.yaml'), `version: 1\nwebhooks:\n  - event_type: WEBHOOK.CONVERTED\n    url: ${HOOKS}/a\n`);
      expectExit(await rdhooks(['plan', '--out', 'plan.json'], { cwd, env: as('Client A') }), EXIT.ok);
      const r = await rdhooks(['apply', '--plan', 'plan.json'], { cwd, env: as('Client B') });
      expectExit(r, EXIT.error);
      expect(r.stderr).toContain('it was made on the RD Station account "Client A", and these credentials belong to "Client B"');
      expect(e.requests.filter((req) => req.method !== 'GET')).toEqual([]);
    } finally {
      await e.close();
    }
  });
});

describe('urls mean what they say', () => {
  it('a plan right after apply shows no change for spellings a URL parser rewrites, whichever RD stores', async () => {
    const spellings = ['HTTPS://Hooks.Example.com/a', 'https://hooks.example.com:443/b', 'https://hooks.example.com', 'https://hooks.example.com/x/../c', 'https://bücher.example/d'];
    const manifest = `version: 1\nwebhooks:\n${spellings.map((url, i) => `  - name: w${i}\n    event_type: WEBHOOK.CONVERTED\n    url: ${url}\n`).join('')}`;
    const { cwd, handle, cli } = await workspace([], manifest);
    const validate = await rdhooks(['validate', '--format', 'json'], { cwd });
    expect((JSON.parse(validate.stdout) as { code: string }[]).filter((d) => d.code === 'non-canonical-url')).toHaveLength(spellings.length);
    expectExit(await cli(['apply', '--auto-approve']), EXIT.ok);
    expectExit(await cli(['plan', '--detailed-exitcode']), EXIT.ok);
    // As if RD stored each in canonical form instead: still no change.
    for (const w of handle.store.snapshot()) await handle.store.update(String(w.uuid), { ...w, url: new URL(String(w.url)).href });
    expectExit(await cli(['plan', '--detailed-exitcode']), EXIT.ok);
  });
});
