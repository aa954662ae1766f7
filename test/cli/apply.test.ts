import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { EXIT, runCli } from '../../src/cli/run.js';
import type { RemoteWebhook } from '../../src/shared/webhook.js';
import { aWebhook, uuidFor } from '../builders.js';
import { BIN, rdhooks } from '../helpers/cli.js';
import { emulatorWith, writeCalls } from '../helpers/emulator.js';
import { A, B, HOOKS, LEGACY, MANIFEST, PROMPT, WEBHOOKS } from '../helpers/account.js';
import { expectExit, memoryIo, workspaces } from '../helpers/workspace.js';

const workspace = workspaces('apply');

/** A temp working directory holding webhooks.yaml, and an emulator holding `webhooks`. */
const setup = (webhooks: RemoteWebhook[] = [A, B, LEGACY], manifest = MANIFEST, options: EmulatorOptions = {}) => workspace(webhooks, manifest, options);

/** The apply report's action lines (stdout, indented by two spaces). */
const reportLines = (stdout: string): string[] => stdout.split('\n').filter((l) => /^ {2}(created|updated|deleted|failed|skipped|not started)/.test(l));

describe('rdhooks apply', () => {
  it('refuses without a terminal unless --auto-approve, writing nothing', async () => {
    const { handle, cli } = await setup();
    const r = await cli(['apply']);
    expectExit(r, EXIT.error);
    expect(r.stdout).toContain('Plan: 1 to create, 2 to update, 0 to delete.');
    expect(r.stderr).toContain('Refusing to apply without confirmation: there is no terminal to ask on; nothing was changed.');
    expect(r.stderr).toContain('--auto-approve');
    expect(writeCalls(handle)).toEqual([]);
  });

  it('applies with --auto-approve: the planned writes, progress on stderr, a report, and the verification line', async () => {
    const { handle, cli } = await setup();
    const r = await cli(['apply', '--auto-approve', '--concurrency', '1']);
    expectExit(r, EXIT.ok);
    expect(writeCalls(handle)).toEqual([`PUT ${WEBHOOKS}/${A.uuid}`, `PUT ${WEBHOOKS}/${B.uuid}`, `POST ${WEBHOOKS}`]);
    // Whose account it is, one list to plan, one last look before writing, one to verify; nothing else.
    expect(handle.count('GET')).toBe(4);
    expect(handle.count('GET', WEBHOOKS)).toBe(3);
    const created = handle.store.snapshot().find((w) => w.url === `${HOOKS}/c`);
    // Each line names the webhook written: its uuid and its target URL.
    expect(r.stderr).toMatch(new RegExp(`^\\[1/3\\] updated a ${A.uuid} ${HOOKS}/a in \\d+\\.\\d\\ds$`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^\\[2/3\\] updated b ${B.uuid} ${HOOKS}/b in \\d+\\.\\d\\ds$`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^\\[3/3\\] created c ${String(created?.uuid)} ${HOOKS}/c in \\d+\\.\\d\\ds$`, 'm'));
    expect(r.stderr).not.toContain('\x1b[K');
    expect(reportLines(r.stdout)).toEqual([
      expect.stringMatching(/^ {2}updated a /),
      expect.stringMatching(/^ {2}updated b /),
      expect.stringMatching(/^ {2}created c /),
    ]);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Apply complete: 1 created, 2 updated, 0 deleted. Verified: the account matches the manifest.');
    expect(handle.store.snapshot().map((w) => w.uuid)).toContain(LEGACY.uuid);
  });

  it('makes no write on a second apply of the same manifest, and needs no confirmation for nothing', async () => {
    const { handle, cli } = await setup();
    expectExit(await cli(['apply', '--auto-approve']), EXIT.ok);
    handle.requests.length = 0;

    for (const args of [['apply', '--auto-approve'], ['apply']]) {
      const r = await cli(args);
      expectExit(r, EXIT.ok);
      expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('No changes. The account matches the manifest.');
      expect(r.stderr).not.toContain(PROMPT);
    }
    expect(writeCalls(handle)).toEqual([]);
    expect(handle.count('GET', WEBHOOKS)).toBe(2);
  });

  it('refuses an unsafe plan without --force, and applies it with --force', async () => {
    const listed = Array.from({ length: 10 }, (_, i) => aWebhook({ uuid: uuidFor(`w${i}`), url: `${HOOKS}/w${i}` }));
    const keep = `version: 1\nprune: true\nwebhooks:\n${[0, 1].map((i) => `  - event_type: WEBHOOK.CONVERTED\n    url: ${HOOKS}/w${i}\n`).join('')}`;
    const { handle, cli } = await setup(listed, keep);

    const refused = await cli(['apply', '--auto-approve']);
    expectExit(refused, EXIT.error);
    expect(refused.stdout).toContain('This plan is unsafe: apply will need --force.');
    expect(refused.stderr).toContain('Refusing to apply an unsafe plan; nothing was changed.');
    expect(refused.stderr).toContain('--force');
    expect(writeCalls(handle)).toEqual([]);

    const forced = await cli(['apply', '--auto-approve', '--force']);
    expectExit(forced, EXIT.ok);
    expect(writeCalls(handle).sort()).toEqual(listed.slice(2).map((w) => `DELETE ${WEBHOOKS}/${w.uuid}`).sort());
    expect(forced.stdout).toContain('Apply complete: 0 created, 0 updated, 8 deleted. Verified: the account matches the manifest.');
  });

  it('reports an update answered 404 as deleted outside rdhooks, goes on, exits 1, and converges on the next run', async () => {
    let lists = 0;
    const { handle, cli } = await setup([A, B, LEGACY], MANIFEST, {
      // Someone deletes a right after rdhooks took its last look at the account before writing.
      logger: (line) => {
        if (line.startsWith(`GET ${WEBHOOKS} 200`) && ++lists === 2) void handle.store.delete(A.uuid);
      },
    });
    const r = await cli(['apply', '--auto-approve', '--concurrency', '1']);
    expectExit(r, EXIT.error);
    expect(writeCalls(handle)).toEqual([`PUT ${WEBHOOKS}/${A.uuid}`, `PUT ${WEBHOOKS}/${B.uuid}`, `POST ${WEBHOOKS}`]);
    expect(reportLines(r.stdout)).toEqual([
      expect.stringContaining(`failed to update a ${A.uuid}`),
      expect.stringMatching(/^ {2}updated b /),
      expect.stringMatching(/^ {2}created c /),
    ]);
    expect(r.stdout).toContain(`webhook ${A.uuid} was deleted outside rdhooks`);
    expect(r.stdout).toContain('Apply failed: 1 created, 1 updated, 0 deleted, 1 failed. Not verified: the account still differs (create a). Run rdhooks apply again.');

    handle.requests.length = 0;
    const again = await cli(['apply', '--auto-approve']);
    expectExit(again, EXIT.ok);
    expect(writeCalls(handle)).toEqual([`POST ${WEBHOOKS}`]);
  });

  it('exits 1 naming what still differs when verification finds the account unlike the manifest', async () => {
    const { handle, cli } = await setup([A, B, LEGACY], MANIFEST, {
      // Someone deletes c as soon as it is created.
      logger: (line) => {
        if (!line.startsWith(`POST ${WEBHOOKS} 201`)) return;
        const c = handle.store.snapshot().find((w) => w.url === `${HOOKS}/c`);
        if (c) void handle.store.delete(c.uuid as string);
      },
    });
    const r = await cli(['apply', '--auto-approve']);
    expectExit(r, EXIT.error);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Apply complete: 1 created, 2 updated, 0 deleted. Not verified: the account still differs (create c). Run rdhooks apply again.');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops on %s: writes in flight finish, none start, the report says which were not started, exit 130', async (signal) => {
    const names = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const manifest = `version: 1\nwebhooks:\n${names.map((n) => `  - name: ${n}\n    event_type: WEBHOOK.CONVERTED\n    url: ${HOOKS}/${n}\n`).join('')}`;
    const { cwd, env, handle } = await setup([], manifest, { latencyMs: 250 });
    const child = spawn(process.execPath, [BIN, 'apply', '--auto-approve', '--concurrency', '1', '--api-url', handle.url], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!signalled && stderr.includes('[1/5] created')) {
        signalled = true;
        child.kill(signal);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);

    expect({ code, stderr }).toEqual({ code: EXIT.interrupted, stderr: expect.stringContaining(`${signal}: finishing the writes in flight, starting no more`) });
    const lines = reportLines(stdout);
    const created = lines.filter((l) => l.startsWith('  created'));
    const notStarted = lines.filter((l) => l.startsWith('  not started'));
    expect(lines).toHaveLength(5);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(notStarted.length).toBeGreaterThanOrEqual(1);
    expect(created.length + notStarted.length).toBe(5);
    expect(notStarted[0]).toMatch(/^ {2}not started: n\d \S+: the run was interrupted$/);
    // Exactly the reported creates were made; nothing after the signal but the write already in flight.
    expect(handle.count('POST', WEBHOOKS)).toBe(created.length);
    expect(handle.store.snapshot()).toHaveLength(created.length);
    expect(stdout).toContain(`Apply interrupted: ${created.length} created, 0 updated, 0 deleted, ${notStarted.length} not done. Not verified: the run was interrupted; run rdhooks plan to see what remains.`);
  });
});

describe('rdhooks apply --plan FILE', () => {
  it('applies a saved plan while the account is unchanged', async () => {
    const { handle, cli } = await setup();
    expectExit(await cli(['plan', '--out', 'plan.json']), EXIT.ok);
    handle.requests.length = 0;

    const r = await cli(['apply', '--plan', 'plan.json', '--auto-approve', '--concurrency', '1']);
    expectExit(r, EXIT.ok);
    expect(writeCalls(handle)).toEqual([`PUT ${WEBHOOKS}/${A.uuid}`, `PUT ${WEBHOOKS}/${B.uuid}`, `POST ${WEBHOOKS}`]);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Apply complete: 1 created, 2 updated, 0 deleted. Verified: the account matches the manifest.');
  });

  it('refuses the masked plan --format json prints, which would write *** into the account', async () => {
    const { handle, cli, cwd } = await setup();
    const printed = await cli(['plan', '--format', 'json']);
    expectExit(printed, EXIT.ok);
    await writeFile(join(cwd, 'printed.json'), printed.stdout);
    handle.requests.length = 0;

    const r = await cli(['apply', '--plan', 'printed.json', '--auto-approve']);
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain('printed.json has its URL credentials masked (***)');
    expect(r.stderr).toContain('rdhooks plan --out FILE');
    expect(handle.requests).toEqual([]);
  });

  it('refuses a plan whose manifest changed since it was made, writing nothing', async () => {
    const { handle, cli, cwd } = await setup();
    expectExit(await cli(['plan', '--out', 'plan.json']), EXIT.ok);
    await writeFile(join(cwd, 'webhooks.yaml'), `${MANIFEST}# edited after the plan\n`);
    handle.requests.length = 0;

    const r = await cli(['apply', '--plan', 'plan.json', '--auto-approve']);
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain('webhooks.yaml changed since plan.json was made from it; nothing was changed.');
    expect(handle.requests).toEqual([]);
  });

  it('refuses a stale plan, writing nothing', async () => {
    const { handle, cli } = await setup();
    expectExit(await cli(['plan', '--out', 'plan.json']), EXIT.ok);
    await handle.store.update(B.uuid, { ...B, url: `${HOOKS}/b-moved-by-hand` });
    handle.requests.length = 0;

    const r = await cli(['apply', '--plan', 'plan.json', '--auto-approve']);
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain(`plan.json is not what a plan made now would do: change 2 differs: the saved plan would update b (${B.uuid}), a plan made now would create b. Nothing was changed.`);
    expect(r.stderr).toContain('rdhooks plan --out FILE, then rdhooks apply --plan FILE');
    expect(writeCalls(handle)).toEqual([]);
  });

  it('refuses a plan made against another API URL, without touching this account', async () => {
    const first = await setup();
    expectExit(await first.cli(['plan', '--out', 'plan.json']), EXIT.ok);
    const other = await emulatorWith([A, B, LEGACY]);
    try {
      const r = await rdhooks(['apply', '--plan', 'plan.json', '--auto-approve', '--api-url', other.url], { cwd: first.cwd, env: { RDSTATION_ACCESS_TOKEN: other.issueToken() } });
      expectExit(r, EXIT.error);
      expect(r.stderr).toContain(`plan.json was made against ${first.handle.url}, not ${other.url}; nothing was changed.`);
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('rdhooks apply on a terminal (injected)', () => {
  it("applies after 'yes', with a live counter on a TTY", async () => {
    const { cwd, env, handle } = await setup();
    const { io, out } = memoryIo(cwd, env, { stdinTTY: true, stderrTTY: true, answer: 'yes\n', prompt: PROMPT });
    const code = await runCli(['apply', '--api-url', handle.url, '--concurrency', '1'], io);
    expect(code).toBe(EXIT.ok);
    expect(out.stderr).toContain(`\n${PROMPT} `);
    expect(out.stderr).toContain('\r\x1b[K[1/3] updated a');
    expect(out.stderr).toContain('\r\x1b[K[3/3] created c');
    expect(writeCalls(handle)).toHaveLength(3);
    expect(out.stdout).toContain('Verified: the account matches the manifest.');
  });

  it.each([
    ['no', 'no\n'],
    ['an empty line', '\n'],
    ["'YES' (only 'yes' is accepted)", 'YES\n'],
    ['the end of input (Ctrl-D)', undefined],
  ])('cancels after %s, writing nothing', async (_what, answer) => {
    const { cwd, env, handle } = await setup();
    const { io, out } = memoryIo(cwd, env, { stdinTTY: true, prompt: PROMPT, ...(answer !== undefined ? { answer } : {}) });
    const code = await runCli(['apply', '--api-url', handle.url], io);
    expect(code).toBe(EXIT.error);
    expect(out.stderr).toContain(PROMPT);
    expect(out.stderr).toContain('error: Apply cancelled; nothing was changed.');
    expect(writeCalls(handle)).toEqual([]);
  });

  it('does not ask without a TTY on stdin', async () => {
    const { cwd, env, handle } = await setup();
    const { io, out } = memoryIo(cwd, env, { stdinTTY: false, answer: 'yes\n', prompt: PROMPT });
    const code = await runCli(['apply', '--api-url', handle.url], io);
    expect(code).toBe(EXIT.error);
    expect(out.stderr).not.toContain(PROMPT);
    expect(out.stderr).toContain('there is no terminal to ask on');
    expect(writeCalls(handle)).toEqual([]);
  });
});


/** Runs the built binary inside a pseudo-terminal (util-linux `script`), typing `input` into it. */
function inPty(args: string[], cwd: string, env: Record<string, string>, input: string): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], { cwd, env: { PATH: process.env.PATH ?? '', TERM: 'dumb', NO_COLOR: '1', ...env }, stdio: 'pipe' });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(input);
  });
}

describe('rdhooks apply in a real pseudo-terminal (util-linux script)', () => {
  it("asks, and applies after 'yes'", async () => {
    const { cwd, env, handle } = await setup();
    const r = await inPty(['apply', '--api-url', handle.url], cwd, env, 'yes\n');
    expect(r.output).toContain(PROMPT);
    expect(r.code).toBe(EXIT.ok);
    expect(writeCalls(handle)).toHaveLength(3);
    expect(r.output).toContain('Apply complete: 1 created, 2 updated, 0 deleted. Verified: the account matches the manifest.');
  });

  it('cancels when the input ends at the prompt, writing nothing', async () => {
    const { cwd, env, handle } = await setup();
    const r = await inPty(['apply', '--api-url', handle.url], cwd, env, '');
    expect(r.output).toContain(PROMPT);
    expect(r.output).toContain('Apply cancelled; nothing was changed.');
    expect(r.code).toBe(EXIT.error);
    expect(writeCalls(handle)).toEqual([]);
  });
});
