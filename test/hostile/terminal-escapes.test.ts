/**
 * Remote text (and manifest text) carrying terminal escapes never reaches the terminal raw: every command that
 * prints it, in every format, writes escape sequences, BEL, C1 controls and bidi controls inertly or not at all.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import { rdhooks, type CliResult } from '../helpers/cli.js';
import { scripted, wireWebhook, type Answer, type Scripted } from '../helpers/scripted.js';

// What must never reach a terminal raw: ESC, BEL, C1 controls, bidi embeddings, overrides, isolates and marks.
// eslint-disable-next-line no-control-regex
const RAW = /[\u001b\u0007\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const CSI = '\u001b[31mRED\u001b[0m\u001b[2J\u001b[H';
const OSC8 = '\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007';
const OSC52 = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const C1 = '\u009b31m\u009d0;title\u009c\u0085';
const BIDI = '\u202eevil\u202c\u2066x\u2069';

const UUID_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const UUID_C = 'cccccccc-0000-4000-8000-000000000003';

/** Webhooks as a hostile (or compromised) account would list them. */
const HOSTILE_WEBHOOKS = [
  wireWebhook({
    uuid: UUID_A,
    url: `https://hooks.example.com/${CSI}`,
    event_identifiers: [OSC52, `news${BIDI}letter`],
    include_relations: [`COMPANY${C1}`],
  }),
  wireWebhook({
    uuid: `bbbbbbbb-0000-4000-8000-00000000000${CSI}`,
    event_type: 'crm_deal_created\u0007',
    url: `https://x.example.com/${OSC8}?token=${OSC52}`,
    event_identifiers: [],
    status: `\u001b[5msuspended${BIDI}`,
  }),
  wireWebhook({ uuid: UUID_C, event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: `https://${BIDI}.example.com/${C1}`, event_identifiers: [] }),
];

/** Where a raw character turned up, for a readable failure. */
function leaks(r: CliResult): string[] {
  const out: string[] = [];
  for (const [stream, text] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
    const m = RAW.exec(text);
    if (m) out.push(`${stream}: U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 20))}`);
  }
  return out;
}

let emulator: EmulatorHandle;
let token: string;
const dirs: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ seed: HOSTILE_WEBHOOKS });
  token = emulator.issueToken();
});
afterAll(async () => {
  await emulator.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function dirWith(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rdhooks-escapes-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(d, name, '..'), { recursive: true });
    await writeFile(join(d, name), text);
  }
  return d;
}

const env = () => ({ RDSTATION_API_URL: emulator.url, RDSTATION_ACCESS_TOKEN: token });

describe('rdhooks export of webhooks carrying terminal escapes', () => {
  it('writes them escaped in double quotes, and the YAML reads back as the exact remote text', async () => {
    const r = await rdhooks(['export'], { cwd: await dirWith({}), env: env() });
    expect(r.code).toBe(0);
    expect(leaks(r)).toEqual([]);
    expect(r.stdout).toContain('\\e[31mRED');
    expect(r.stdout).toContain('\\u202e');
    const exported = (parse(r.stdout) as { webhooks: { uuid: string; url: string; event_identifiers?: string[] }[] }).webhooks;
    expect(exported.map((w) => w.url).sort()).toEqual(HOSTILE_WEBHOOKS.map((w) => String(w.url)).sort());
    expect(exported.find((w) => w.uuid === UUID_A)?.event_identifiers).toEqual([OSC52, `news${BIDI}letter`].sort());
  });

  it('--emulator with the same state, and --out FILE (the file holds escapes, never raw controls)', async () => {
    const cwd = await dirWith({ '.rdhooks/emulator.json': JSON.stringify({ version: 1, webhooks: HOSTILE_WEBHOOKS }) });
    const r = await rdhooks(['export', '--emulator', '--out', 'exported.yaml'], { cwd });
    expect(r.code).toBe(0);
    expect(leaks(r)).toEqual([]);
    const text = await readFile(join(cwd, 'exported.yaml'), 'utf8');
    expect(RAW.test(text)).toBe(false);
    expect((parse(text) as { webhooks: unknown[] }).webhooks).toHaveLength(3);
  });
});

describe('rdhooks plan against an account carrying terminal escapes', () => {
  const MANIFEST = `version: 1
prune: true
safety:
  max_deletes: 10
webhooks:
  - name: leads
    uuid: ${UUID_A}
    event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/leads
    event_identifiers: [newsletter]
`;

  it.each(['text', 'json', 'markdown'])('--format %s shows the changes without raw controls', async (format) => {
    const cwd = await dirWith({ 'webhooks.yaml': MANIFEST });
    const r = await rdhooks(['plan', '--format', format, '--show-sensitive'], { cwd, env: env() });
    expect(r.stderr).not.toMatch(/not built yet|unexpected failure/);
    expect(r.code).toBe(0);
    expect(leaks(r)).toEqual([]);
    // The remote values are shown (defanged), not dropped: the update's old url and the deletes are there.
    expect(r.stdout).toMatch(/RED/);
  });

  it('--emulator and unmanaged webhooks (prune off) print no raw controls either', async () => {
    const cwd = await dirWith({
      '.rdhooks/emulator.json': JSON.stringify({ version: 1, webhooks: HOSTILE_WEBHOOKS }),
      'webhooks.yaml': 'version: 1\nwebhooks: []\n',
    });
    const r = await rdhooks(['plan', '--emulator'], { cwd });
    expect(r.code).toBe(0);
    expect(leaks(r)).toEqual([]);
    expect(r.stdout).toMatch(/suspended|Unmanaged/);
  });
});

describe('API error messages carrying terminal escapes', () => {
  let server: Scripted;
  let answer: Answer = { status: 200, body: { webhooks: [] } };
  beforeAll(async () => {
    // Whose account it is answers well; the webhook calls answer the case's garbage.
    server = await scripted((req) => (req.path === '/marketing/account_info' ? { status: 200, body: { name: 'Acme' } } : answer));
  });
  afterAll(() => server.close());

  const HOSTILE_TEXT = `bad ${CSI} ${OSC8} ${OSC52} ${C1} ${BIDI} \u0007`;
  const CASES: { name: string; answer: Answer; says: RegExp }[] = [
    {
      name: 'a 422 with an error array',
      answer: { status: 422, body: { errors: [{ error_type: `INVALID${CSI}`, error_message: HOSTILE_TEXT, path: `$.body.url${OSC8}` }] } },
      says: /answered 422/,
    },
    { name: 'a 401 with a bare error', answer: { status: 401, body: { error_type: `UNAUTHORIZED${C1}`, error_message: HOSTILE_TEXT } }, says: /answered 401/ },
    { name: 'a 403 with an OAuth error', answer: { status: 403, body: { error: `denied${BIDI}`, error_description: HOSTILE_TEXT } }, says: /answered 403/ },
    { name: 'a 500 with a text body', answer: { status: 500, body: HOSTILE_TEXT }, says: /answered 500/ },
    { name: 'a 502 HTML page', answer: { status: 502, body: `<html><head><title>${HOSTILE_TEXT}</title></head></html>` }, says: /HTML error page/ },
    { name: 'a 200 HTML page', answer: { status: 200, body: `${C1}${BIDI}<html>${CSI}</html>` }, says: /could not be read/ },
    { name: 'a 200 carrying an error', answer: { status: 200, body: { errors: { error_type: 'X', error_message: HOSTILE_TEXT } } }, says: /error body/ },
    { name: 'a webhook with a hostile uuid and no event_type', answer: { status: 200, body: { webhooks: [{ uuid: `u${CSI}${BIDI}`, url: 'https://a.example.com' }] } }, says: /has no "event_type"/ },
  ];

  it.each(CASES)('$name: exit 1, the message defanged', async ({ answer: a, says }) => {
    answer = a;
    const r = await rdhooks(['export', '--api-url', server.url, '--retries', '0'], { cwd: await dirWith({}), env: { RDSTATION_ACCESS_TOKEN: 'escape-test-token-1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(says);
    expect(r.stderr).not.toMatch(/unexpected failure/);
    expect(leaks(r)).toEqual([]);
  });

  it('plan --api-url prints the same errors defanged', async () => {
    answer = CASES[0]!.answer;
    const cwd = await dirWith({ 'webhooks.yaml': 'version: 1\nwebhooks: []\n' });
    const r = await rdhooks(['plan', '--api-url', server.url, '--retries', '0'], { cwd, env: { RDSTATION_ACCESS_TOKEN: 'escape-test-token-1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/answered 422/);
    expect(leaks(r)).toEqual([]);
  });
});

describe('rdhooks validate of a manifest carrying terminal escapes', () => {
  // Escapes in keys, values, names, comments, YAML syntax errors and interpolated variables.
  const MANIFEST = [
    `# comment ${CSI}`,
    'version: 1',
    'webhooks:',
    `  - name: "lead${CSI}${BIDI}"`,
    `    event_type: "WEBHOOK.CONVERTED${C1}"`,
    `    url: "https://hooks.example.com/${OSC8}"`,
    `    event_identifiers: ["${OSC52}", "ok"]`,
    `    "key${CSI}": 1`,
    `  - event_type: WEBHOOK.CONVERTED`,
    `    url: \${HOSTILE}/x`,
    `  - url: "https://${BIDI}.example.com/a"`,
    `    event_type: crm_deal_created`,
    `    uuid: "${C1}"`,
    `    bad: [unclosed ${CSI}`,
    '',
  ].join('\n');

  it.each(['text', 'json', 'github'])('--format %s', async (format) => {
    const cwd = await dirWith({ 'hostile.yaml': MANIFEST });
    const r = await rdhooks(['validate', 'hostile.yaml', '--format', format], { cwd, env: { HOSTILE: `https://${CSI}${BIDI}` } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/hostile\.yaml/);
    expect(leaks(r)).toEqual([]);
  });

  it('--format text with a manifest that parses, so the schema and rules messages echo the values', async () => {
    const parsable = MANIFEST.split('\n').filter((l) => !l.includes('unclosed')).join('\n');
    const cwd = await dirWith({ 'hostile.yaml': parsable });
    const r = await rdhooks(['validate', 'hostile.yaml'], { cwd, env: { HOSTILE: `https://${CSI}${BIDI}` } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/unknown key/);
    expect(leaks(r)).toEqual([]);
  });
});
