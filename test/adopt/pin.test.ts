import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadManifest } from '../../src/manifest/load.js';
import { pinManifest, type PinResult } from '../../src/adopt/pin.js';
import type { RemoteWebhook } from '../../src/shared/webhook.js';
import { aWebhook } from '../builders.js';

const dir = mkdtempSync(join(tmpdir(), 'rdhooks-pin-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads `text` as webhooks.yaml and pins it against `remote`. */
async function pin(text: string, remote: RemoteWebhook[], env: NodeJS.ProcessEnv = {}): Promise<PinResult> {
  writeFileSync(join(dir, 'webhooks.yaml'), text);
  const loaded = await loadManifest('webhooks.yaml', env, { cwd: dir });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!loaded.manifest || loaded.text === undefined) throw new Error('not loaded');
  return pinManifest(loaded.text, loaded.manifest, remote);
}

const CONV = aWebhook({ uuid: '11111111-1111-4111-8111-111111111111', event_type: 'WEBHOOK.CONVERTED', url: 'https://hooks.example.com/conv' });
const OPP = aWebhook({ uuid: '22222222-2222-4222-8222-222222222222', event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://hooks.example.com/opp' });
const DEAL = aWebhook({ uuid: '33333333-3333-4333-8333-333333333333', event_type: 'crm_deal_created', url: 'https://hooks.example.com/deal' });

describe('pinManifest keeps everything but the added uuid lines', () => {
  const cases: [string, string, string][] = [
    [
      'comments, blank lines, quoting, flow lists, a name on the dash line and an entry without a name',
      `# yaml-language-server: $schema=./schemas/webhooks.schema.json
# Webhooks of the marketing account.

version: 1
prune: false    # keep hand-made ones


webhooks:
  # The CRM wants every conversion.
  - name: "crm-leads"   # owned by the CRM team
    event_type: 'WEBHOOK.CONVERTED'
    event_identifiers: [newsletter,   "ebook-download"]
    url: https://hooks.example.com/conv   # production


  # No name: addressed by event_type and url.
  - event_type: WEBHOOK.MARKED_OPPORTUNITY
    url: >-
      https://hooks.example.com/opp
    include_relations:
        - COMPANY   # odd indentation, kept
ignore:
    - url: https://legacy.example.com/*
`,
      `# yaml-language-server: $schema=./schemas/webhooks.schema.json
# Webhooks of the marketing account.

version: 1
prune: false    # keep hand-made ones


webhooks:
  # The CRM wants every conversion.
  - name: "crm-leads"   # owned by the CRM team
    uuid: 11111111-1111-4111-8111-111111111111
    event_type: 'WEBHOOK.CONVERTED'
    event_identifiers: [newsletter,   "ebook-download"]
    url: https://hooks.example.com/conv   # production


  # No name: addressed by event_type and url.
  - uuid: 22222222-2222-4222-8222-222222222222
    event_type: WEBHOOK.MARKED_OPPORTUNITY
    url: >-
      https://hooks.example.com/opp
    include_relations:
        - COMPANY   # odd indentation, kept
ignore:
    - url: https://legacy.example.com/*
`,
    ],
    [
      'a sequence not indented under its key, four-space keys, name not first',
      `version: 1
webhooks:
-   event_type: crm_deal_created
    name: deals
    url: https://hooks.example.com/deal
`,
      `version: 1
webhooks:
-   event_type: crm_deal_created
    name: deals
    uuid: 33333333-3333-4333-8333-333333333333
    url: https://hooks.example.com/deal
`,
    ],
    [
      'the name on its own line, the first key on a line of its own, and no newline at the end',
      `version: 1
webhooks:
  -
    event_type: crm_deal_created
    url: https://hooks.example.com/deal
  - event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/conv
    name: last`,
      `version: 1
webhooks:
  -
    uuid: 33333333-3333-4333-8333-333333333333
    event_type: crm_deal_created
    url: https://hooks.example.com/deal
  - event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/conv
    name: last
    uuid: 11111111-1111-4111-8111-111111111111`,
    ],
    [
      'flow mappings',
      `version: 1
webhooks:
  - {name: deals, event_type: crm_deal_created, url: "https://hooks.example.com/deal"}
  - { event_type: WEBHOOK.CONVERTED, url: https://hooks.example.com/conv }
`,
      `version: 1
webhooks:
  - {name: deals, uuid: 33333333-3333-4333-8333-333333333333, event_type: crm_deal_created, url: "https://hooks.example.com/deal"}
  - { uuid: 11111111-1111-4111-8111-111111111111, event_type: WEBHOOK.CONVERTED, url: https://hooks.example.com/conv }
`,
    ],
    [
      'CRLF line endings',
      'version: 1\r\nwebhooks:\r\n  - name: deals\r\n    event_type: crm_deal_created\r\n    url: https://hooks.example.com/deal\r\n  - event_type: WEBHOOK.CONVERTED\r\n    url: https://hooks.example.com/conv\r\n',
      'version: 1\r\nwebhooks:\r\n  - name: deals\r\n    uuid: 33333333-3333-4333-8333-333333333333\r\n    event_type: crm_deal_created\r\n    url: https://hooks.example.com/deal\r\n  - uuid: 11111111-1111-4111-8111-111111111111\r\n    event_type: WEBHOOK.CONVERTED\r\n    url: https://hooks.example.com/conv\r\n',
    ],
    [
      'a merge key first, an anchor used only by defaults',
      `version: 1
defaults: &base
  include_relations: [COMPANY]
webhooks:
  - <<: *base
    event_type: crm_deal_created
    url: https://hooks.example.com/deal
`,
      `version: 1
defaults: &base
  include_relations: [COMPANY]
webhooks:
  - uuid: 33333333-3333-4333-8333-333333333333
    <<: *base
    event_type: crm_deal_created
    url: https://hooks.example.com/deal
`,
    ],
  ];

  it.each(cases)('%s', async (_what, before, after) => {
    const result = await pin(before, [CONV, OPP, DEAL]);
    expect(result.skipped).toEqual([]);
    expect(result.text).toBe(after);
  });
});

describe('pinManifest decides which entries get a uuid', () => {
  it('pins entries matched by (event_type, url) only, leaving pinned ones, and reports the unmatched', async () => {
    const text = `version: 1
webhooks:
  - name: pinned
    uuid: 22222222-2222-4222-8222-222222222222
    event_type: WEBHOOK.MARKED_OPPORTUNITY
    url: https://hooks.example.com/opp
  - name: new
    event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/brand-new
  - name: keyed
    event_type: crm_deal_created
    url: https://hooks.example.com/deal
  - event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/conv
    ensure: absent
`;
    const result = await pin(text, [CONV, OPP, DEAL]);
    expect(result.pinned).toEqual([{ address: 'keyed', uuid: DEAL.uuid, source: { file: 'webhooks.yaml', line: 10, column: 5 } }]);
    expect(result.unmatched).toEqual([
      { address: 'new', source: { file: 'webhooks.yaml', line: 7, column: 5 }, message: expect.stringContaining('rdhooks apply will create it') },
    ]);
    // The absent entry is about deleting, not about keeping a webhook: it gets no uuid.
    expect(result.text).toBe(text.replace('  - name: keyed\n', `  - name: keyed\n    uuid: ${DEAL.uuid}\n`));
  });

  it('changes nothing when every matched entry has its uuid', async () => {
    const text = `version: 1\nwebhooks:\n  - uuid: ${CONV.uuid}\n    event_type: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/conv\n`;
    const result = await pin(text, [CONV]);
    expect(result).toMatchObject({ text, pinned: [], unmatched: [], skipped: [], stale: [], errors: [] });
  });

  it('reports a stale uuid and leaves it as written', async () => {
    const text = `version: 1\nwebhooks:\n  - uuid: 99999999-9999-4999-8999-999999999999\n    event_type: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/conv\n`;
    const result = await pin(text, [CONV]);
    expect(result.text).toBe(text);
    expect(result.stale).toEqual([expect.objectContaining({ uuid: CONV.uuid, message: expect.stringContaining('99999999-9999-4999-8999-999999999999') })]);
  });

  it('pins entries whose values come from ${VAR}, matching the interpolated values', async () => {
    const text = `version: 1\nwebhooks:\n  - name: \${NAME:-conv}\n    event_type: WEBHOOK.CONVERTED\n    url: \${BASE}/conv\n`;
    const result = await pin(text, [CONV], { BASE: 'https://hooks.example.com' });
    expect(result.text).toBe(`version: 1\nwebhooks:\n  - name: \${NAME:-conv}\n    uuid: ${CONV.uuid}\n    event_type: WEBHOOK.CONVERTED\n    url: \${BASE}/conv\n`);
  });

  it('skips an entry that is an alias, and one whose anchor other entries reuse', async () => {
    const text = `version: 1
webhooks:
  - &conv
    event_type: WEBHOOK.CONVERTED
    url: https://hooks.example.com/conv
  - <<: *conv
    event_type: crm_deal_created
    url: https://hooks.example.com/deal
`;
    const result = await pin(text, [CONV, DEAL]);
    expect(result.skipped).toEqual([
      expect.objectContaining({ uuid: CONV.uuid, message: expect.stringMatching(/anchor &conv, which other entries reuse.*Add "uuid: 11111111-1111-4111-8111-111111111111" to it by hand/) }),
    ]);
    expect(result.pinned.map((p) => p.uuid)).toEqual([DEAL.uuid]);
    const data = parse(result.text, { merge: true }) as { webhooks: { uuid?: string }[] };
    expect(data.webhooks.map((w) => w.uuid)).toEqual([undefined, DEAL.uuid]);
  });

  it('does not write a listed uuid the manifest schema would refuse', async () => {
    const odd = aWebhook({ uuid: 'x\n  url: https://evil.example.com', event_type: 'WEBHOOK.CONVERTED', url: 'https://hooks.example.com/conv' });
    const text = `version: 1\nwebhooks:\n  - event_type: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/conv\n`;
    const result = await pin(text, [odd]);
    expect(result.text).toBe(text);
    expect(result.skipped).toHaveLength(1);
  });

  it('skips an entry whose edit would change more than its uuid (an explicit key), pinning the others', async () => {
    const text = `version: 1
webhooks:
  - ? event_type
    : WEBHOOK.CONVERTED
    url: https://hooks.example.com/conv
  - event_type: crm_deal_created
    url: https://hooks.example.com/deal
`;
    const result = await pin(text, [CONV, DEAL]);
    expect(result.skipped).toEqual([expect.objectContaining({ uuid: CONV.uuid, message: expect.stringContaining('without changing other parts of the file') })]);
    expect(result.pinned.map((p) => p.uuid)).toEqual([DEAL.uuid]);
    expect(result.text).toBe(text.replace('  - event_type: crm_deal_created', `  - uuid: ${DEAL.uuid}\n    event_type: crm_deal_created`));
  });
});
