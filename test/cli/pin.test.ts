import { afterEach, describe, expect, it } from '@jest/globals';
import { chmod, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/server.js';
import type { WireWebhook } from '../../src/rdstation/wire.js';
import { rdhooks } from '../helpers/cli.js';
import { tempDirs } from '../helpers/tmp.js';

const emulators: EmulatorHandle[] = [];
afterEach(async () => {
  for (const e of emulators.splice(0)) await e.close();
});

const freshDir = tempDirs('pin');

const wire = (uuid: string, event_type: string, url: string): WireWebhook => ({
  uuid,
  event_type,
  entity_type: 'CONTACT',
  url,
  http_method: 'POST',
  event_identifiers: [],
  include_relations: [],
  status: 'active',
});

const CONV = wire('11111111-1111-4111-8111-111111111111', 'WEBHOOK.CONVERTED', 'https://hooks.example.com/rd/converted');
const OPP = wire('22222222-2222-4222-8222-222222222222', 'WEBHOOK.MARKED_OPPORTUNITY', 'https://hooks.example.com/rd/opportunity');
const DEAL = wire('33333333-3333-4333-8333-333333333333', 'crm_deal_created', 'https://hooks.example.com/rd/deals');

/** A manifest with everything a hand-written one has: comments everywhere, blank lines, quotes, ${VAR}, flow lists. */
const RICH = `# yaml-language-server: $schema=./schemas/webhooks.schema.json
# Webhooks of the marketing account; reviewed by the CRM team.

version: 1
prune: false                  # true: also delete listed webhooks that no entry matches
defaults:                     # merged into every entry
  include_relations: [ COMPANY ]


webhooks:
  # Leads go to the CRM.
  - name: 'crm-lead-sync'     # a local label
    event_type: "WEBHOOK.CONVERTED"
    event_identifiers: [newsletter,  ebook-download]   # only these
    url: https://hooks.example.com/rd/converted

  # No name: addressed by event_type and url.
  - event_type: WEBHOOK.MARKED_OPPORTUNITY
    url: \${HOOKS_BASE_URL:-https://hooks.example.com}/rd/opportunity   # interpolated

  - name: deal-created
    uuid: ${DEAL.uuid}        # already pinned
    event_type: crm_deal_created
    url: https://hooks.example.com/rd/deals
  - name: brand-new
    event_type: crm_deal_updated
    url: https://hooks.example.com/rd/deals   # not in the account yet
# trailing comment
`;

const PINNED = RICH.replace("  - name: 'crm-lead-sync'     # a local label\n", `  - name: 'crm-lead-sync'     # a local label\n    uuid: ${CONV.uuid}\n`).replace(
  '  - event_type: WEBHOOK.MARKED_OPPORTUNITY\n',
  `  - uuid: ${OPP.uuid}\n    event_type: WEBHOOK.MARKED_OPPORTUNITY\n`,
);

async function account(seed: WireWebhook[] = [CONV, OPP, DEAL]) {
  const emulator = await startEmulator({ seed });
  emulators.push(emulator);
  return { emulator, env: { RDSTATION_API_URL: emulator.url, RDSTATION_ACCESS_TOKEN: emulator.issueToken() } };
}

describe('rdhooks pin', () => {
  it('writes the matched uuids and changes nothing else, then has nothing to pin', async () => {
    const cwd = await freshDir();
    const { emulator, env } = await account();
    await writeFile(join(cwd, 'webhooks.yaml'), RICH);
    const r = await rdhooks(['pin'], { cwd, env });
    expect(r.stderr).toContain('Pinned 2 webhooks in webhooks.yaml.\n');
    expect(r.code).toBe(0);
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe(PINNED);
    expect(r.stdout).toBe(
      `pinned crm-lead-sync (webhooks.yaml:12): uuid: ${CONV.uuid}\n` +
        `pinned WEBHOOK.MARKED_OPPORTUNITY https://hooks.example.com/rd/opportunity (webhooks.yaml:18): uuid: ${OPP.uuid}\n`,
    );
    expect(r.stderr).toContain('note: brand-new (webhooks.yaml:25) matches no listed webhook: rdhooks apply will create it');
    expect(emulator.count('GET', '/integrations/webhooks')).toBe(1);
    // No temporary file is left beside the manifest.
    expect(await readdir(cwd)).toEqual(['webhooks.yaml']);

    const again = await rdhooks(['pin'], { cwd, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('Nothing to pin: every matched entry has its uuid.\n');
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe(PINNED);
    const check = await rdhooks(['pin', '--check'], { cwd, env });
    expect(check.code).toBe(0);
  });

  it('--check prints what would change, exits 1, and writes nothing', async () => {
    const cwd = await freshDir();
    const { env } = await account();
    await writeFile(join(cwd, 'hooks.yaml'), RICH);
    const r = await rdhooks(['pin', 'hooks.yaml', '--check'], { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`would pin crm-lead-sync (hooks.yaml:12): uuid: ${CONV.uuid}\n`);
    expect(r.stderr).toContain('2 webhooks would be pinned in hooks.yaml; run rdhooks pin to write them.\n');
    expect(await readFile(join(cwd, 'hooks.yaml'), 'utf8')).toBe(RICH);
  });

  it('refuses a manifest with errors, with the diagnostics, before calling the API', async () => {
    const cwd = await freshDir();
    const { emulator, env } = await account();
    const bad = 'version: 1\nwebhooks:\n  - event_type: WEBHOOK.NOPE\n    url: https://hooks.example.com/x\n';
    await writeFile(join(cwd, 'webhooks.yaml'), bad);
    const r = await rdhooks(['pin'], { cwd, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^webhooks\.yaml:3:\d+: error: /);
    expect(r.stderr).toContain('error: webhooks.yaml is not a valid manifest (1 error above); nothing was changed.');
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe(bad);
    expect(emulator.requests).toEqual([]);
  });

  it('fails with the API error and writes nothing when the account cannot be listed', async () => {
    const cwd = await freshDir();
    const { emulator } = await account();
    await writeFile(join(cwd, 'webhooks.yaml'), RICH);
    const r = await rdhooks(['pin'], { cwd, env: { RDSTATION_API_URL: emulator.url, RDSTATION_ACCESS_TOKEN: 'wrong-token-123' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: RD Station answered 401 to GET /marketing/account_info');
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe(RICH);
  });

  it('keeps the file mode and writes through a symbolic link', async () => {
    const cwd = await freshDir();
    const { env } = await account();
    await writeFile(join(cwd, 'real.yaml'), RICH);
    await chmod(join(cwd, 'real.yaml'), 0o640);
    await symlink('real.yaml', join(cwd, 'webhooks.yaml'));
    const r = await rdhooks(['pin'], { cwd, env });
    expect(r.code).toBe(0);
    expect(await readFile(join(cwd, 'real.yaml'), 'utf8')).toBe(PINNED);
    expect((await stat(join(cwd, 'real.yaml'))).mode & 0o777).toBe(0o640);
    expect((await readdir(cwd)).sort()).toEqual(['real.yaml', 'webhooks.yaml']);
  });

  it('works offline with --emulator on the demo manifest layout', async () => {
    const cwd = await freshDir();
    const text = 'version: 1\nwebhooks:\n  - name: leads   # demo\n    event_type: WEBHOOK.CONVERTED\n    url: https://hooks.example.com/rd/converted\n';
    await writeFile(join(cwd, 'webhooks.yaml'), text);
    const r = await rdhooks(['pin', '--emulator'], { cwd });
    expect(r.code).toBe(0);
    expect(await readFile(join(cwd, 'webhooks.yaml'), 'utf8')).toBe(text.replace('# demo\n', '# demo\n    uuid: 5408c5a3-4711-4f2e-8d0b-13407a3e30f3\n'));
    expect(r.stderr).toContain('Pinned 1 webhook in webhooks.yaml.');
  });
});
