import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest } from '../../src/manifest/load.js';
import { MAX_MANIFEST_BYTES } from '../../src/manifest/read.js';
import { rdhooks, ROOT } from '../helpers/cli.js';
import { hangGuard } from '../helpers/timing.js';

const DIR = 'test/fixtures/manifests';

const load = (file: string, env: NodeJS.ProcessEnv = {}) => loadManifest(`${DIR}/${file}`, env, { cwd: ROOT });

type Expected = [line: number, column: number, severity: 'error' | 'warning', code: string, message: string];

/** One fixture per failure: the exact diagnostics it yields, in file order. `F` is the fixture's path. */
const BAD: [string, Expected[]][] = [
  ['bad-absent-without-identity.yaml', [
    [6, 13, 'error', 'absent-without-identity', 'webhooks[0] ("old"): ensure: absent needs a uuid, or both event_type and url, to know which webhook to delete. Add them (rdhooks export lists the uuids).'],
  ]],
  ['bad-account-empty.yaml', [
    [3, 10, 'error', 'empty-value', 'account is empty; give the name of the RD Station account this manifest is for, or remove the key.'],
  ]],
  ['bad-alias-bomb.yaml', [
    [8, 38, 'error', 'alias-bomb', 'aliases here expand to more than 1000000 nodes (aliases of aliases multiply); rdhooks refuses such files. Share fields with an anchor, without nesting aliases of aliases.'],
  ]],
  ['bad-binary.yaml', [
    [1, 1, 'error', 'binary-file', '${F} is binary, not YAML text. Check that this is the right file.'],
  ]],
  ['bad-conflicting-ensure.yaml', [
    [7, 10, 'error', 'conflicting-ensure', '(event_type, url) "WEBHOOK.CONVERTED https://hooks.example.com/a" is absent here but present at line 5; a webhook cannot be both kept and deleted. Remove one of the entries.'],
  ]],
  ['bad-duplicate-key.yaml', [
    [6, 5, 'error', 'duplicate-key', 'duplicate key "url": also at line 5; YAML would silently keep only one. Remove or rename one of them.'],
  ]],
  ['bad-duplicate-name.yaml', [
    [7, 11, 'error', 'duplicate-name', 'webhooks[1] ("leads"): duplicate name "leads": also at line 4; names tell entries apart in plans. Rename one.'],
  ]],
  ['bad-duplicate-url.yaml', [
    [7, 10, 'error', 'duplicate-url', 'duplicate (event_type, url) "WEBHOOK.CONVERTED https://hooks.example.com/a": also at line 5; RD Station keeps one webhook per event type and URL. Remove one entry or change its url.'],
  ]],
  ['bad-duplicate-uuid.yaml', [
    [7, 11, 'error', 'duplicate-uuid', 'duplicate uuid "5408C5A3-4711-4F2E-8D0B-13407A3E30F3": also at line 4; a uuid pins exactly one entry to one webhook. Remove one of the entries.'],
  ]],
  ['bad-empty-identifier.yaml', [
    [6, 37, 'error', 'empty-identifier', 'webhooks[0].event_identifiers[1] is empty; remove it (an empty or absent list means every conversion).'],
  ]],
  ['bad-empty-ignore-rule.yaml', [
    [5, 5, 'error', 'empty-ignore-rule', 'ignore[0] is empty; an ignore rule needs at least one of uuid, event_type, url.'],
  ]],
  ['bad-empty.yaml', [
    [1, 1, 'error', 'empty-file', '${F} is empty. Start from examples/minimal.yaml: it needs at least "version: 1".'],
  ]],
  ['bad-event-identifiers-on-other-event.yaml', [
    [6, 5, 'error', 'event-identifiers-not-allowed', 'event_identifiers only apply to WEBHOOK.CONVERTED, not to "crm_deal_created"; remove them or change event_type.'],
  ]],
  ['bad-event-type.yaml', [
    [4, 17, 'error', 'invalid-value', 'webhooks[0].event_type: "WEBHOOK.CONVERT" is not a valid value; did you mean "WEBHOOK.CONVERTED"?'],
  ]],
  ['bad-ignore-conflict.yaml', [
    [8, 5, 'error', 'ignore-conflict', 'ignore[0] matches webhooks[0] ("legacy") at line 4, which this manifest manages; rdhooks cannot both manage and ignore a webhook. Narrow the rule or remove the entry.'],
  ]],
  ['bad-include-relation.yaml', [
    [6, 34, 'error', 'invalid-value', 'webhooks[0].include_relations[1]: "contact_funel" is not a valid value; did you mean "CONTACT_FUNNEL"?'],
  ]],
  ['bad-interpolation-syntax.yaml', [
    [5, 36, 'error', 'bad-interpolation', '"${not a name}" is not a variable reference; write ${NAME} or ${NAME:-default} (NAME of letters, digits and _), or "$${" for a literal "${".'],
  ]],
  ['bad-many-problems.yaml', [
    [5, 5, 'error', 'unknown-key', 'unknown key "event_typ" in webhooks[0] ("a"); did you mean "event_type"?'],
    [7, 11, 'error', 'duplicate-name', 'webhooks[1] ("a"): duplicate name "a": also at line 4; names tell entries apart in plans. Rename one.'],
    [9, 10, 'error', 'invalid-url', 'webhooks[1] ("a"): url "not a url" is not an absolute http(s) URL; write it in full, e.g. https://hooks.example.com/rd/converted.'],
    [10, 5, 'error', 'event-identifiers-not-allowed', 'webhooks[1] ("a"): event_identifiers only apply to WEBHOOK.CONVERTED, not to "crm_deal_created"; remove them or change event_type.'],
  ]],
  ['bad-missing-url.yaml', [
    [4, 5, 'error', 'missing-key', 'webhooks[0] has no url; an entry needs event_type and url (or "ensure: absent" and a uuid to delete a webhook).'],
  ]],
  ['bad-missing-version.yaml', [
    [2, 1, 'error', 'missing-key', 'missing "version" at the top level; add "version: 1" as the first line after the comments.'],
  ]],
  ['bad-multiple-documents.yaml', [
    [3, 1, 'error', 'multiple-documents', 'a second YAML document starts here; a manifest is one document. Remove the "---" line and merge what follows.'],
  ]],
  ['bad-not-a-mapping.yaml', [
    [2, 1, 'error', 'not-a-mapping', 'the top level of ${F} must be a mapping of keys (version, webhooks, …), but it is a list. Start the file with "version: 1".'],
  ]],
  ['bad-only-comments.yaml', [
    [1, 1, 'error', 'empty-file', '${F} has no content, only comments. Add at least "version: 1" (see examples/minimal.yaml).'],
  ]],
  ['bad-suspended.yaml', [
    [3, 12, 'error', 'invalid-value', 'suspended: "recreat" is not a valid value; did you mean "recreate"?'],
    [7, 16, 'error', 'invalid-value', 'webhooks[0].suspended: "delete" is not a valid value; use one of: report, recreate.'],
  ]],
  ['bad-tabs.yaml', [
    [5, 1, 'error', 'tab-indentation', 'a tab is used for indentation; YAML indents with spaces only. Replace the tab with spaces.'],
  ]],
  ['bad-targets.yaml', [
    [4, 10, 'error', 'wrong-type', 'targets.check must be true or false, not the text "yes". Write true or false without quotes.'],
    [5, 3, 'error', 'unknown-key', 'unknown key "allow_privat" in targets; did you mean "allow_private"?'],
    [7, 16, 'error', 'invalid-value', 'safety.max_updates must be 0 or more, not -1.'],
  ]],
  ['bad-undefined-variable.yaml', [
    [5, 10, 'error', 'undefined-variable', 'environment variable RDHOOKS_TEST_UNSET_BASE is not set; set it, or give a default: ${RDHOOKS_TEST_UNSET_BASE:-value}.'],
  ]],
  ['bad-unknown-alias.yaml', [
    [4, 5, 'error', 'unknown-alias', 'alias *common refers to no anchor; define "&common" before this line or fix the name.'],
  ]],
  ['bad-unknown-key.yaml', [
    [4, 5, 'error', 'unknown-key', 'unknown key "event_typ" in webhooks[0]; did you mean "event_type"?'],
  ]],
  ['bad-unknown-top-level-key.yaml', [
    [3, 1, 'error', 'unknown-key', 'unknown key "webhook" at the top level; did you mean "webhooks"?'],
  ]],
  ['bad-url-relative.yaml', [
    [5, 10, 'error', 'invalid-url', 'url "/rd/converted" is not an absolute http(s) URL; write it in full, e.g. https://hooks.example.com/rd/converted.'],
  ]],
  ['bad-url-scheme.yaml', [
    [5, 10, 'error', 'invalid-url', 'url "ftp://hooks.example.com/a" uses "ftp"; RD Station only calls http(s) URLs, e.g. https://hooks.example.com/rd/converted.'],
  ]],
  ['bad-uuid.yaml', [
    [4, 11, 'error', 'invalid-uuid', 'uuid "5408c5a3-4711" is not a UUID (8-4-4-4-12 hex digits, e.g. 5408c5a3-4711-4f2e-8d0b-13407a3e30f3); copy it from "rdhooks export" or remove it.'],
  ]],
  ['bad-version.yaml', [
    [2, 10, 'error', 'unsupported-version', 'unsupported version 2; this rdhooks reads version 1 manifests. Set "version: 1".'],
  ]],
  ['bad-wrong-type.yaml', [
    [3, 8, 'error', 'wrong-type', 'prune must be true or false, not the text "yes". Write true or false without quotes.'],
    [5, 16, 'error', 'invalid-value', 'safety.max_deletes must be 0 or more, not -1.'],
    [7, 11, 'error', 'wrong-type', 'webhooks[0].name must be text, not 42. Quote it: "42".'],
    [10, 24, 'error', 'wrong-type', 'webhooks[0].include_relations must be a list, not the text "COMPANY". Write it as [COMPANY].'],
  ]],
  ['bad-yaml-syntax.yaml', [
    [6, 1, 'error', 'yaml-syntax', 'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]. Check the indentation, brackets and quotes here.'],
  ]],
  ['warn-suspended-on-absent.yaml', [
    [6, 5, 'warning', 'ignored-key', 'webhooks[0].suspended has no effect on an "ensure: absent" entry, which deletes the webhook; remove it.'],
  ]],
  ['warn-http-url.yaml', [
    [5, 10, 'warning', 'insecure-url', 'url "http://hooks.example.com/a" uses plain http; RD Station requires https with a valid certificate and will likely refuse it. Use https://.'],
  ]],
];

describe('loadManifest on bad fixtures', () => {
  it.each(BAD)('%s', async (file, expected) => {
    const F = `${DIR}/${file}`;
    const result = await load(file);
    const rows = result.diagnostics.map((d) => [d.line, d.column, d.severity, d.code, d.message.replaceAll(F, '${F}')]);
    expect(rows).toEqual(expected.map(([l, c, s, code, m]) => [l, c, s, code, m]));
    expect(result.diagnostics.every((d) => d.file === F)).toBe(true);
    expect(result.manifest === undefined).toBe(expected.some((e) => e[2] === 'error'));
  });
});

describe('loadManifest on files that cannot be read', () => {
  const tmp = () => mkdtempSync(join(tmpdir(), 'rdhooks-load-'));

  it('reports a missing file at 1:1', async () => {
    const result = await loadManifest('nope.yaml', {}, { cwd: tmp() });
    expect(result.diagnostics).toEqual([
      {
        file: 'nope.yaml',
        line: 1,
        column: 1,
        severity: 'error',
        code: 'file-not-found',
        message:
          "nope.yaml does not exist. Create it (examples/minimal.yaml is a start) or pass the manifest's path: rdhooks validate path/to/webhooks.yaml",
      },
    ]);
  });

  it('reports a directory', async () => {
    const dir = tmp();
    const result = await loadManifest('.', {}, { cwd: dir });
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['file-unreadable', '. is a directory; pass the manifest file inside it, e.g. ./webhooks.yaml'],
    ]);
  });

  it('refuses a file over the size cap without parsing it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'big.yaml'), `version: 1\n${'#'.repeat(MAX_MANIFEST_BYTES)}\n`);
    const result = await loadManifest('big.yaml', {}, { cwd: dir });
    expect(result.diagnostics.map((d) => [d.line, d.column, d.code, d.message])).toEqual([
      [1, 1, 'file-too-large', 'big.yaml is larger than 4 MiB; a webhooks manifest is a few KiB. Check that this is the right file.'],
    ]);
    rmSync(dir, { recursive: true });
  });

  it('suggests the manifest inside a directory given with a trailing slash', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'some', 'dir'), { recursive: true });
    const result = await loadManifest('some/dir/', {}, { cwd: dir });
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['file-unreadable', 'some/dir/ is a directory; pass the manifest file inside it, e.g. some/dir/webhooks.yaml'],
    ]);
  });

  it.each([
    ['a FIFO', 'pipe.yaml', 'is a FIFO (named pipe), not a file'],
    ['a device', '/dev/zero', 'is a device, not a file'],
  ])('refuses %s at once, naming what it is', async (_what, name, is) => {
    const dir = tmp();
    if (name === 'pipe.yaml') execFileSync('mkfifo', [join(dir, name)]);
    const result = await hangGuard(loadManifest(name, {}, { cwd: dir }));
    expect(result.diagnostics.map((d) => [d.line, d.column, d.code, d.message])).toEqual([
      [1, 1, 'not-a-file', `${name} ${is}; rdhooks reads a manifest only from a regular file, never a pipe or a device. Save it to a file and pass that path.`],
    ]);
  });

  it('rdhooks validate refuses a FIFO at once, with no writer on the other end', async () => {
    const dir = tmp();
    execFileSync('mkfifo', [join(dir, 'webhooks.yaml')]);
    const r = await rdhooks(['validate'], { cwd: dir, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^webhooks\.yaml:1:1: error: webhooks\.yaml is a FIFO \(named pipe\), not a file;/);
  });

  it('rejects text that is not UTF-8', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from('version: 1\n# caf\xe9\n', 'latin1'));
    const result = await loadManifest('latin1.yaml', {}, { cwd: dir });
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([['binary-file', 'latin1.yaml is not UTF-8 text. Save it as UTF-8.']]);
  });

});

describe('loadManifest interpolation', () => {
  it('takes variables from the given environment, not the process', async () => {
    const result = await load('bad-undefined-variable.yaml', { RDHOOKS_TEST_UNSET_BASE: 'https://staging.example.com' });
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest?.webhooks[0]?.url).toBe('https://staging.example.com/rd/converted');
  });

  it('points at each unset reference of one value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdhooks-load-'));
    writeFileSync(join(dir, 'm.yaml'), 'version: 1\nwebhooks:\n  - event_type: WEBHOOK.CONVERTED\n    url: "${A}/x/${A}"\n');
    const result = await loadManifest('m.yaml', {}, { cwd: dir });
    expect(result.diagnostics.map((d) => [d.line, d.column, d.length, d.code])).toEqual([
      [4, 11, 4, 'undefined-variable'],
      [4, 18, 4, 'undefined-variable'],
    ]);
  });
});

describe('loadManifest on valid fixtures', () => {
  it('normalizes: defaults merged, strings trimmed, sets sorted and de-duplicated, uuids lower-cased', async () => {
    const F = `${DIR}/valid-defaults-and-sets.yaml`;
    const result = await load('valid-defaults-and-sets.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest).toEqual({
      path: F,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      prune: false,
      safety: { max_deletes: 0, allow_empty: false },
      suspended: 'report',
      targets: { check: false, allow_private: false },
      webhooks: [
        {
          address: 'leads',
          name: 'leads',
          uuid: '5408c5a3-4711-4f2e-8d0b-13407a3e30f3',
          event_type: 'WEBHOOK.CONVERTED',
          entity_type: 'CONTACT',
          url: 'https://hooks.example.com/a',
          http_method: 'POST',
          event_identifiers: ['alpha', 'zeta'],
          include_relations: ['COMPANY', 'CONTACT_FUNNEL'],
          suspended: 'report',
          source: { file: F, line: 9, column: 5 },
        },
        {
          address: 'WEBHOOK.CONVERTED https://hooks.example.com/b',
          event_type: 'WEBHOOK.CONVERTED',
          entity_type: 'CONTACT',
          url: 'https://hooks.example.com/b',
          http_method: 'POST',
          event_identifiers: ['newsletter'],
          include_relations: ['COMPANY', 'CONTACT_FUNNEL'],
          suspended: 'report',
          source: { file: F, line: 14, column: 5 },
        },
        {
          address: 'crm_deal_updated https://hooks.example.com/deals?token=${literal}',
          event_type: 'crm_deal_updated',
          entity_type: 'CONTACT',
          url: 'https://hooks.example.com/deals?token=${literal}',
          http_method: 'POST',
          event_identifiers: [],
          include_relations: [],
          suspended: 'report',
          source: { file: F, line: 16, column: 5 },
        },
      ],
      absent: [
        {
          address: '642d985c-487c-4c53-b9de-2c1223841cae',
          uuid: '642d985c-487c-4c53-b9de-2c1223841cae',
          source: { file: F, line: 19, column: 5 },
        },
      ],
      ignore: [{ url: 'https://legacy.example.com/*' }],
    });
  });

  it('reads account (trimmed), suspended (the entry over the top level), targets and max_updates', async () => {
    const result = await load('valid-account-suspended-targets.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest).toMatchObject({
      account: 'Acme Marketing',
      suspended: 'recreate',
      targets: { check: true, allow_private: false },
      safety: { max_updates: 2, allow_empty: false },
    });
    expect(result.manifest?.webhooks.map((w) => [w.name, w.suspended])).toEqual([
      ['follows-the-top-level', 'recreate'],
      ['only-reported', 'report'],
    ]);
  });

  it('follows anchors and merge keys, an entry value winning over the merged one', async () => {
    const result = await load('valid-anchors.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest?.webhooks.map((w) => [w.url, w.event_type, w.include_relations, w.source.line])).toEqual([
      ['https://hooks.example.com/a', 'WEBHOOK.CONVERTED', ['COMPANY'], 7],
      ['https://hooks.example.com/b', 'WEBHOOK.CONVERTED', ['CONTACT_FUNNEL'], 9],
    ]);
  });

  it('keeps warnings with a valid manifest', async () => {
    const result = await load('warn-http-url.yaml');
    expect(result.manifest?.webhooks).toHaveLength(1);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['insecure-url']);
  });
});
