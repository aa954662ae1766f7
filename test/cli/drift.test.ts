/** Scheduled checks that tell the truth: suspended webhooks, dead targets and risky updates are never "clean". */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { EXIT } from '../../src/cli/command.js';
import { aWebhook } from '../builders.js';
import { writeCalls } from '../helpers/emulator.js';
import { expectExit, workspaces } from '../helpers/workspace.js';

const HOOKS = 'https://hooks.example.com';
const WEBHOOKS = '/integrations/webhooks';
const A = aWebhook({ url: `${HOOKS}/a` });
const B = aWebhook({ url: `${HOOKS}/b`, event_type: 'WEBHOOK.MARKED_OPPORTUNITY' });
const manifest = (extra = '') => `version: 1
${extra}webhooks:
  - name: a
    event_type: WEBHOOK.CONVERTED
    url: ${HOOKS}/a
  - name: b
    event_type: WEBHOOK.MARKED_OPPORTUNITY
    url: ${HOOKS}/b
`;

const workspace = workspaces('drift');

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A receiver on loopback answering `status` to every request; counts the requests and keeps their bodies. */
async function receiver(status: number): Promise<{ url: string; bodies: string[]; agents: string[] }> {
  const bodies: string[] = [];
  const agents: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      agents.push(String(req.headers['user-agent']));
      res.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, agents };
}

describe('suspended webhooks', () => {
  it('are drift under suspended: report (the default): a finding, exit 2 with --detailed-exitcode, nothing written', async () => {
    const { handle, cli } = await workspace([A, B], manifest());
    await handle.store.suspend(B.uuid);
    const r = await cli(['plan', '--detailed-exitcode']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Findings: not as the manifest wants, and not fixed by this plan:');
    expect(r.stdout).toContain(`b: RD Station has suspended webhook ${B.uuid}`);
    expect(r.stdout).toContain('No changes, but 1 finding above');
    expect((await cli(['plan', '--format', 'markdown', '--drift'])).stdout).toContain('#### Suspended by RD Station');
    expect((await cli(['apply', '--auto-approve'])).code).toBe(EXIT.ok);
    expect(writeCalls(handle)).toEqual([]);
  });

  it('are repaired under suspended: recreate: deleted and created again, then the account is clean', async () => {
    const { handle, cli } = await workspace([A, B], manifest('suspended: recreate\n'));
    await handle.store.suspend(B.uuid);
    const plan = await cli(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('-/+ b');
    const r = await cli(['apply', '--auto-approve']);
    expectExit(r, EXIT.ok);
    expect(writeCalls(handle)).toEqual([`DELETE ${WEBHOOKS}/${B.uuid}`, `POST ${WEBHOOKS}`]);
    expect(handle.store.snapshot().find((w) => w.url === `${HOOKS}/b`)?.status).toBe('active');
    expect((await cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });
});

describe('targets checked before any write', () => {
  it('a plan with a dead target fails before any write, naming the target and what it answered', async () => {
    const dead = await receiver(500);
    const { handle, cli } = await workspace([A], `version: 1\ntargets: {allow_private: true}\nwebhooks:\n  - name: new\n    event_type: crm_deal_created\n    url: ${dead.url}\n`);
    const r = await cli(['apply', '--auto-approve', '--check-targets']);
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain(`error: new would create a target that fails its check: ${dead.url} answered 500`);
    expect(writeCalls(handle)).toEqual([]);
    expect(dead.bodies).toEqual(['{"leads":[]}']);
    expect(dead.agents).toEqual(['rdhooks-target-check']);
  });

  it('targets: {check: true} makes it the manifest default; a live target passes', async () => {
    const live = await receiver(204);
    const { handle, cli } = await workspace([], `version: 1\ntargets: {check: true, allow_private: true}\nwebhooks:\n  - name: new\n    event_type: crm_deal_created\n    url: ${live.url}\n`);
    expectExit(await cli(['apply', '--auto-approve']), EXIT.ok);
    expect(live.bodies).toEqual(['{"leads":[]}']);
    expect(writeCalls(handle)).toEqual([`POST ${WEBHOOKS}`]);
  });

  it('refuses a loopback target unless the manifest allows private targets', async () => {
    const live = await receiver(200);
    const { cli } = await workspace([], `version: 1\nwebhooks:\n  - name: new\n    event_type: crm_deal_created\n    url: ${live.url}\n`);
    const r = await cli(['plan', '--check-targets']);
    expectExit(r, EXIT.error);
    expect(r.stderr).toContain('allow_private');
    expect(live.bodies).toEqual([]);
  });

  it('--check-targets=all finds a receiver that died after its webhook was made: a finding, exit 2', async () => {
    const dead = await receiver(503);
    const existing = aWebhook({ url: dead.url, event_type: 'crm_deal_created' });
    const { cli } = await workspace([existing], `version: 1\ntargets: {allow_private: true}\nwebhooks:\n  - name: deals\n    event_type: crm_deal_created\n    url: ${dead.url}\n`);
    expect((await cli(['plan', '--detailed-exitcode'])).code).toBe(0);
    const r = await cli(['plan', '--detailed-exitcode', '--check-targets=all', '--format', 'markdown', '--drift']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('#### Targets failing');
    expect(r.stdout).toContain('answered 503');
    expect(dead.bodies).toHaveLength(1);
  });
});

describe('risky updates are guarded', () => {
  it('redirecting more than 30% of the listed webhooks needs --force', async () => {
    const listed = Array.from({ length: 10 }, (_, i) => aWebhook({ url: `${HOOKS}/${i}` }));
    const entries = listed.map((w, i) => `  - uuid: ${w.uuid}\n    event_type: WEBHOOK.CONVERTED\n    url: ${i < 4 ? `https://new.example.com/${i}` : w.url}\n`).join('');
    const { handle, cli } = await workspace(listed, `version: 1\nwebhooks:\n${entries}`);
    const refused = await cli(['apply', '--auto-approve']);
    expectExit(refused, EXIT.error);
    expect(refused.stdout).toContain('4 of the 10 listed webhooks would be redirected to another url or event type');
    expect(writeCalls(handle)).toEqual([]);
    const markdown = await cli(['plan', '--format', 'markdown']);
    expect(markdown.stdout.indexOf('#### Redirected')).toBeGreaterThan(0);
    expectExit(await cli(['apply', '--auto-approve', '--force']), EXIT.ok);
    expect(writeCalls(handle)).toHaveLength(4);
  });
});

describe('pins after a repair', () => {
  it('the plan says rdhooks replaced the pinned webhook, and pin updates the uuid; a stale pin by hand needs --update-stale', async () => {
    const pinned = `version: 1\nwebhooks:\n  - name: b  # the opportunity hook\n    uuid: ${B.uuid}\n    event_type: WEBHOOK.MARKED_OPPORTUNITY\n    url: ${HOOKS}/b\n    suspended: recreate\n`;
    const { cwd, handle, cli } = await workspace([B], pinned);
    await handle.store.suspend(B.uuid);
    expectExit(await cli(['apply', '--auto-approve']), EXIT.ok);
    const fresh = handle.store.snapshot()[0]?.uuid as string;
    expect(JSON.parse(await readFile(join(cwd, '.rdhooks/replaced.json'), 'utf8'))).toMatchObject({ replaced: [{ old: B.uuid, new: fresh, address: 'b' }] });

    const plan = await cli(['plan']);
    expect(plan.stdout).toContain(`rdhooks replaced webhook ${B.uuid} with ${fresh}`);
    const pin = await cli(['pin']);
    expectExit(pin, EXIT.ok);
    expect(pin.stdout).toContain(`pinned b (webhooks.yaml:3): uuid: ${fresh} (was ${B.uuid}, replaced by rdhooks)`);
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe(pinned.replace(B.uuid, fresh));

    // Someone recreates it by hand: pin leaves the stale uuid unless told.
    await handle.store.delete(fresh);
    await handle.store.create({ event_type: 'WEBHOOK.MARKED_OPPORTUNITY', entity_type: 'CONTACT', url: `${HOOKS}/b`, http_method: 'POST' });
    const byHand = handle.store.snapshot()[0]?.uuid as string;
    expect((await cli(['pin'])).stderr).toContain(`pins ${fresh}, which the account does not list`);
    expect((await cli(['pin', '--update-stale'])).stdout).toContain(`uuid: ${byHand} (was ${fresh}, replaced by rdhooks or by hand)`);
  });
});
