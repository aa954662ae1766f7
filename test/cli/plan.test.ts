import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { rdhooks, ROOT } from '../helpers/cli.js';

const LIST = '/integrations/webhooks';
const dirs: string[] = [];
let emulator: EmulatorHandle;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator();
  token = emulator.issueToken();
});
afterAll(() => emulator.close());
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function dirWith(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rdhooks-plan-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) await writeFile(join(d, name), text);
  return d;
}

const UUID_A = '11111111-1111-4111-8111-111111111111';

/** A store holding exactly `webhooks`, with the request log cleared. */
async function resetAccount(webhooks: Record<string, unknown>[]): Promise<void> {
  await emulator.store.clear();
  for (const w of webhooks) emulator.store.load(w as Parameters<EmulatorHandle['store']['load']>[0]);
  emulator.requests.length = 0;
}

const env = () => ({ RDSTATION_API_URL: emulator.url, RDSTATION_ACCESS_TOKEN: token });

const MANIFEST = `version: 1
webhooks:
  - name: leads
    uuid: ${UUID_A}
    event_type: WEBHOOK.CONVERTED
    event_identifiers: [newsletter, ebook]
    url: https://hooks.example.com/leads
  - name: deals
    event_type: crm_deal_created
    url: https://hooks.example.com/deals?token=s3cr3t-query-value
`;

const LISTED_A = {
  uuid: UUID_A,
  event_type: 'WEBHOOK.CONVERTED',
  entity_type: 'CONTACT',
  url: 'https://hooks.example.com/leads',
  http_method: 'POST',
  event_identifiers: ['newsletter'],
  include_relations: [],
};

describe('rdhooks plan', () => {
  it('prints the plan on stdout, progress on stderr, and lists exactly once', async () => {
    await resetAccount([LISTED_A]);
    const cwd = await dirWith({ 'webhooks.yaml': MANIFEST });
    const r = await rdhooks(['plan'], { cwd, env: env() });
    expect(r.stderr).toBe('Listed 1 webhook.\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('~ leads');
    expect(r.stdout).toContain('+ "ebook"');
    expect(r.stdout).toContain('+ deals');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Plan: 1 to create, 1 to update, 0 to delete.');
    expect(emulator.requests).toHaveLength(2);
    expect(emulator.count('GET', LIST)).toBe(1);
    expect(emulator.count('GET', '/marketing/account_info')).toBe(1);
  });

  it('masks URL credentials unless --show-sensitive', async () => {
    await resetAccount([LISTED_A]);
    const cwd = await dirWith({ 'webhooks.yaml': MANIFEST });
    for (const format of ['text', 'json', 'markdown']) {
      const masked = await rdhooks(['plan', '--format', format], { cwd, env: env() });
      expect(masked.code).toBe(0);
      expect(masked.stdout).not.toContain('s3cr3t-query-value');
      expect(masked.stdout).toContain('token=***');
    }
    const shown = await rdhooks(['plan', '--show-sensitive'], { cwd, env: env() });
    expect(shown.stdout).toContain('token=s3cr3t-query-value');
  });

  it('--detailed-exitcode: 2 with changes, 0 without', async () => {
    await resetAccount([LISTED_A]);
    const changed = await dirWith({ 'webhooks.yaml': MANIFEST });
    expect((await rdhooks(['plan', '--detailed-exitcode'], { cwd: changed, env: env() })).code).toBe(2);
    expect((await rdhooks(['plan'], { cwd: changed, env: env() })).code).toBe(0);
    const same = await dirWith({
      'webhooks.yaml': `version: 1\nwebhooks:\n  - {uuid: ${UUID_A}, event_type: WEBHOOK.CONVERTED, event_identifiers: [newsletter], url: "https://hooks.example.com/leads"}\n`,
    });
    const r = await rdhooks(['plan', '--detailed-exitcode'], { cwd: same, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('No changes. The account matches the manifest.');
  });

  it('--format json follows schemas/plan.schema.json, and --out saves the plan whole and private', async () => {
    await resetAccount([LISTED_A]);
    const cwd = await dirWith({ 'webhooks.yaml': MANIFEST });
    const r = await rdhooks(['plan', '--format', 'json', '--out', 'plan.json'], { cwd, env: env() });
    expect(r.code).toBe(0);
    const schema = JSON.parse(await readFile(join(ROOT, 'schemas/plan.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ strict: false }).compile(schema);
    const printed: unknown = JSON.parse(r.stdout);
    expect(validate(printed)).toBe(true);
    const saved = JSON.parse(await readFile(join(cwd, 'plan.json'), 'utf8')) as { summary: unknown; changes: { after?: { url: string } }[]; remote: { fingerprint: string } };
    expect(validate(saved)).toBe(true);
    expect(saved.summary).toEqual({ create: 1, update: 1, delete: 0, replace: 0, unchanged: 0, unmanaged: 0, findings: 0 });
    // apply --plan must send the URL as written, so the saved plan keeps it whole, readable by its owner only.
    expect(saved.changes.map((c) => c.after?.url)).toContain('https://hooks.example.com/deals?token=s3cr3t-query-value');
    expect(saved.remote.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await stat(join(cwd, 'plan.json'))).mode & 0o777).toBe(0o600);
    expect(r.stderr).toContain('Saved the plan to plan.json');
  });

  it('lists once however many webhooks the account has', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ ...LISTED_A, uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, url: `https://hooks.example.com/h/${i}` }));
    await resetAccount(many);
    const cwd = await dirWith({ 'webhooks.yaml': 'version: 1\nwebhooks:\n  - {event_type: crm_deal_created, url: "https://hooks.example.com/new"}\n' });
    const r = await rdhooks(['plan', '--detailed-exitcode'], { cwd, env: env(), timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete.');
    expect(emulator.count('GET', LIST)).toBe(1);
    expect(emulator.requests).toHaveLength(2);
  });

  it('refuses an invalid manifest, having made no call but reads (listing overlaps the parse, and is abandoned)', async () => {
    await resetAccount([]);
    const cwd = await dirWith({ 'webhooks.yaml': 'version: 1\nwebhooks:\n  - event_typ: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/a\n' });
    const r = await rdhooks(['plan'], { cwd, env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('webhooks.yaml:3:5: error:');
    expect(r.stderr).toContain('event_type');
    expect(r.stderr).toContain('error: webhooks.yaml is not a valid manifest (');
    expect(emulator.requests.filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('reports an invalid manifest before missing credentials', async () => {
    const cwd = await dirWith({ 'webhooks.yaml': 'version: 1\nwebhooks:\n  - event_typ: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/a\n' });
    const r = await rdhooks(['plan'], { cwd, env: { RDSTATION_API_URL: emulator.url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: webhooks.yaml is not a valid manifest (');
    expect(r.stderr).not.toContain('No RD Station credentials');
  });

  it('reports a plan the API would refuse, naming both entries, and changes nothing', async () => {
    const B = '22222222-2222-4222-8222-222222222222';
    await resetAccount([LISTED_A, { ...LISTED_A, uuid: B, url: 'https://hooks.example.com/other' }]);
    const cwd = await dirWith({
      'webhooks.yaml': `version: 1\nwebhooks:\n  - {name: a, uuid: ${UUID_A}, event_type: WEBHOOK.CONVERTED, url: "https://hooks.example.com/other"}\n  - {name: b, uuid: ${B}, event_type: WEBHOOK.CONVERTED, url: "https://hooks.example.com/leads"}\n`,
    });
    const r = await rdhooks(['plan'], { cwd, env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error: .*a \(webhooks\.yaml:3:/);
    expect(r.stderr).toMatch(/b \(webhooks\.yaml:4:/);
    expect(r.stderr).toContain('error: No plan can be made');
  });

  it('says an unsafe plan will need --force', async () => {
    await resetAccount(Array.from({ length: 10 }, (_, i) => ({ ...LISTED_A, uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, url: `https://hooks.example.com/h/${i}` })));
    const cwd = await dirWith({ 'webhooks.yaml': 'version: 1\nprune: true\nwebhooks:\n  - {event_type: crm_deal_created, url: "https://hooks.example.com/new"}\n' });
    const r = await rdhooks(['plan'], { cwd, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('This plan is unsafe: apply will need --force.');
    expect(r.stdout).toContain('Plan: 1 to create, 0 to update, 10 to delete.');
  });

  it('appends the Markdown plan to --summary-file, or to $GITHUB_STEP_SUMMARY', async () => {
    await resetAccount([LISTED_A]);
    const cwd = await dirWith({ 'webhooks.yaml': MANIFEST, 'summary.md': '# earlier\n' });
    expect((await rdhooks(['plan', '--summary-file', 'summary.md'], { cwd, env: env() })).code).toBe(0);
    const summary = await readFile(join(cwd, 'summary.md'), 'utf8');
    expect(summary.startsWith('# earlier\n### rdhooks plan')).toBe(true);
    expect(summary).not.toContain('s3cr3t-query-value');
    expect((await rdhooks(['plan'], { cwd, env: { ...env(), GITHUB_STEP_SUMMARY: join(cwd, 'step.md') } })).code).toBe(0);
    expect(await readFile(join(cwd, 'step.md'), 'utf8')).toContain('**Plan: 1 to create, 1 to update, 0 to delete.**');
  });

  it('says so, without a stack or a leftover file, when --out cannot be written', async () => {
    await resetAccount([LISTED_A]);
    const cwd = await dirWith({ 'webhooks.yaml': MANIFEST });
    const r = await rdhooks(['plan', '--out', 'missing-dir/plan.json'], { cwd, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: cannot write missing-dir/plan.json: ENOENT.');
    expect(r.stderr).not.toContain('bug in rdhooks');
    expect(await readdir(cwd)).toEqual(['webhooks.yaml']);
  });

  it('refuses an API URL that carries credentials, without echoing them', async () => {
    const cwd = await dirWith({ 'webhooks.yaml': MANIFEST });
    const r = await rdhooks(['plan', '--api-url', 'https://user:hunter2@api.example.com'], { cwd, env: { RDSTATION_ACCESS_TOKEN: 'x' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: --api-url "https://***:***@api.example.com": The API URL must not carry credentials (user:password@).');
    expect(r.stderr).not.toContain('hunter2');
  });

  it('names the credential variables when none are set', async () => {
    const cwd = await dirWith({ 'webhooks.yaml': MANIFEST });
    const r = await rdhooks(['plan'], { cwd, env: { RDSTATION_API_URL: emulator.url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RDSTATION_ACCESS_TOKEN');
    expect(r.stderr).toContain('RDSTATION_REFRESH_TOKEN');
    expect(r.stderr).not.toContain('    at ');
  });
});

describe('rdhooks plan --emulator', () => {
  it('shows the demo plan on a fresh directory, and export then plan shows no changes', async () => {
    const cwd = await dirWith({ 'webhooks.yaml': await readFile(join(ROOT, 'webhooks.yaml'), 'utf8') });
    const first = await rdhooks(['plan', '--emulator', '--detailed-exitcode'], { cwd });
    expect(first.code).toBe(2);
    expect(first.stdout).toMatch(/Plan: \d+ to create, \d+ to update, \d+ to delete\./);
    expect((await rdhooks(['export', '--emulator', '--out', 'exported.yaml'], { cwd })).code).toBe(0);
    const again = await rdhooks(['plan', 'exported.yaml', '--emulator', '--detailed-exitcode'], { cwd });
    expect(again.stdout.trimEnd().split('\n').at(-1)).toBe('No changes. The account matches the manifest.');
    expect(again.code).toBe(0);
  });
});
