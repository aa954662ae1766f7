import { describe, expect, it } from '@jest/globals';
import type { Manifest } from '../../src/manifest/types.js';
import { planWebhooks, REASONS } from '../../src/plan/plan.js';
import type { Plan, PlanError, UpdateChange } from '../../src/plan/types.js';
import type { RemoteWebhook } from '../../src/shared/webhook.js';
import { aDesired, aManifest, anAbsent, aWebhook } from '../builders.js';

const META = { apiUrl: 'https://api.rd.services', account: 'Acme Marketing' };
const A = 'https://hooks.example.com/a';
const B = 'https://hooks.example.com/b';
const C = 'https://hooks.example.com/c';
const D = 'https://hooks.example.com/d';
const OPP = 'WEBHOOK.MARKED_OPPORTUNITY';

function planOk(manifest: Manifest, remote: RemoteWebhook[]): Plan {
  const result = planWebhooks(manifest, remote, META);
  if (!result.ok) throw new Error(`expected a plan, got ${result.errors.map((e) => e.message).join('; ')}`);
  return result.plan;
}

function planErrors(manifest: Manifest, remote: RemoteWebhook[]): PlanError[] {
  const result = planWebhooks(manifest, remote, META);
  if (result.ok) throw new Error(`expected errors, got a plan of ${result.plan.changes.length} changes`);
  return result.errors;
}

/** The changes in one line each: `action address: reason`. */
function lines(p: Plan): string[] {
  return p.changes.map((c) => `${c.action} ${c.address}: ${c.reason}`);
}

describe('matching and actions', () => {
  const cases: { name: string; manifest: Manifest; remote: RemoteWebhook[]; changes: string[]; unchanged?: number }[] = [
    { name: 'empty manifest, empty account', manifest: aManifest(), remote: [], changes: [] },
    {
      name: 'entry equal to its listed webhook',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', url: A })] }),
      remote: [aWebhook({ url: A })],
      changes: [],
      unchanged: 1,
    },
    {
      name: 'entry not in the account',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', url: A })] }),
      remote: [],
      changes: [`create a: ${REASONS.create}`],
    },
    {
      name: 'entry whose fields differ',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', url: A, include_relations: ['COMPANY'] })] }),
      remote: [aWebhook({ url: A })],
      changes: [`update a: ${REASONS.update}`],
    },
    {
      name: 'sets listed in another order',
      manifest: aManifest({ webhooks: [aDesired({ url: A, include_relations: ['COMPANY', 'CONTACT_FUNNEL'] })] }),
      remote: [aWebhook({ url: A, include_relations: ['CONTACT_FUNNEL', 'COMPANY'] })],
      changes: [],
      unchanged: 1,
    },
    {
      name: 'a missing array against an empty one',
      manifest: aManifest({ webhooks: [aDesired({ url: A, event_identifiers: [] })] }),
      remote: [aWebhook({ url: A, event_identifiers: undefined as unknown as string[] })],
      changes: [],
      unchanged: 1,
    },
    {
      name: 'identifiers listed on an event that takes none (requests never send them)',
      manifest: aManifest({ webhooks: [aDesired({ event_type: OPP, url: A })] }),
      remote: [aWebhook({ event_type: OPP, url: A, event_identifiers: ['stray'] })],
      changes: [],
      unchanged: 1,
    },
    {
      name: 'server-only fields that differ',
      manifest: aManifest({ webhooks: [aDesired({ url: A })] }),
      remote: [
        aWebhook({ url: A, created_at: '2020-01-01', updated_at: '2025-01-01', source: 'CRM', platform_account_id: '1' }),
      ],
      changes: [],
      unchanged: 1,
    },
    {
      name: 'pinned entry moving its url',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', uuid: 'u-1', url: B })] }),
      remote: [aWebhook({ uuid: 'u-1', url: A })],
      changes: ['update a: url changed (pinned uuid)'],
    },
    {
      name: 'pinned entry moving its event_type and url',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', uuid: 'u-1', event_type: OPP, url: B })] }),
      remote: [aWebhook({ uuid: 'u-1', url: A })],
      changes: ['update a: event_type and url changed (pinned uuid)'],
    },
    {
      name: 'pinned uuid matched whatever its case in the listing',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', uuid: 'abc-def', url: A })] }),
      remote: [aWebhook({ uuid: 'ABC-DEF', url: A })],
      changes: [],
      unchanged: 1,
    },
    {
      name: 'stale pinned uuid, nothing at its url',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', uuid: 'gone', url: A })] }),
      remote: [],
      changes: ['create a: pinned uuid gone not found in the account (stale uuid; run `rdhooks pin`)'],
    },
    {
      name: 'stale pinned uuid adopting the webhook at its url',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', uuid: 'gone', url: A, include_relations: ['COMPANY'] })] }),
      remote: [aWebhook({ uuid: 'new', url: A })],
      changes: [`update a: ${REASONS.update}`],
    },
    {
      name: 'ensure: absent by uuid',
      manifest: aManifest({ absent: [anAbsent({ uuid: 'u-1' })] }),
      remote: [aWebhook({ uuid: 'u-1', url: A })],
      changes: [`delete u-1: ${REASONS.absent}`],
    },
    {
      name: 'ensure: absent by event_type and url',
      manifest: aManifest({ absent: [anAbsent({ name: 'old', event_type: 'WEBHOOK.CONVERTED', url: A })] }),
      remote: [aWebhook({ url: A }), aWebhook({ url: B })],
      changes: [`delete old: ${REASONS.absent}`],
    },
    {
      name: 'ensure: absent of a webhook already gone',
      manifest: aManifest({ absent: [anAbsent({ uuid: 'gone' }), anAbsent({ event_type: OPP, url: A })] }),
      remote: [],
      changes: [],
    },
    {
      name: 'ensure: absent with a stale uuid does not fall back to its url',
      manifest: aManifest({ absent: [anAbsent({ uuid: 'gone', event_type: 'WEBHOOK.CONVERTED', url: A })] }),
      remote: [aWebhook({ url: A })],
      changes: [],
    },
    {
      name: 'unmanaged webhook, prune off',
      manifest: aManifest(),
      remote: [aWebhook({ url: A })],
      changes: [],
    },
    {
      name: 'unmanaged webhook, prune on',
      manifest: aManifest({ prune: true, webhooks: [aDesired({ url: B })] }),
      remote: [aWebhook({ url: A }), aWebhook({ url: B })],
      changes: [`delete WEBHOOK.CONVERTED ${A}: ${REASONS.prune}`],
      unchanged: 1,
    },
    {
      name: 'unmanaged webhook an ignore rule covers, prune on',
      manifest: aManifest({ prune: true, webhooks: [aDesired({ url: B })], ignore: [{ url: 'https://hooks.example.com/a*' }] }),
      remote: [aWebhook({ url: A }), aWebhook({ url: B })],
      changes: [],
      unchanged: 1,
    },
    {
      name: 'a pinned entry moves away and another entry takes its old url',
      manifest: aManifest({
        webhooks: [aDesired({ name: 'moved', uuid: 'u-1', url: B }), aDesired({ name: 'new', url: A })],
      }),
      remote: [aWebhook({ uuid: 'u-1', url: A })],
      changes: ['update moved: url changed (pinned uuid)', `create new: ${REASONS.create}`],
    },
    {
      name: 'the same url under two event types',
      manifest: aManifest({ webhooks: [aDesired({ url: A }), aDesired({ event_type: OPP, url: A })] }),
      remote: [aWebhook({ url: A })],
      changes: [`create ${OPP} ${A}: ${REASONS.create}`],
      unchanged: 1,
    },
  ];

  it.each(cases)('$name', ({ manifest, remote, changes, unchanged = 0 }) => {
    const p = planOk(manifest, remote);
    expect(lines(p)).toEqual(changes);
    expect(p.summary.unchanged).toBe(unchanged);
  });

  it('lists unmanaged webhooks, marking the ignored ones', () => {
    const p = planOk(aManifest({ ignore: [{ uuid: 'u-2' }] }), [
      aWebhook({ uuid: 'u-2', url: B }),
      aWebhook({ uuid: 'u-1', url: A }),
    ]);
    expect(p.unmanaged).toEqual([
      { uuid: 'u-1', event_type: 'WEBHOOK.CONVERTED', url: A, ignored: false },
      { uuid: 'u-2', event_type: 'WEBHOOK.CONVERTED', url: B, ignored: true },
    ]);
    expect(p.summary.unmanaged).toBe(2);
  });

  it('puts the whole spec to PUT in after, and only the changed fields in fields', () => {
    const p = planOk(
      aManifest({ webhooks: [aDesired({ name: 'a', uuid: 'u-1', url: B, event_identifiers: ['x', 'y'] })] }),
      [aWebhook({ uuid: 'u-1', url: A, event_identifiers: ['y', 'z'], status: 'active' })],
    );
    const update = p.changes[0] as UpdateChange;
    expect(update.after).toEqual({
      event_type: 'WEBHOOK.CONVERTED',
      entity_type: 'CONTACT',
      url: B,
      http_method: 'POST',
      event_identifiers: ['x', 'y'],
      include_relations: [],
    });
    expect(update.fields).toEqual([
      { path: 'url', before: A, after: B },
      { path: 'event_identifiers', before: ['y', 'z'], after: ['x', 'y'] },
    ]);
    expect(update.uuid).toBe('u-1');
  });

  it('counts every action in the summary', () => {
    const p = planOk(
      aManifest({
        prune: true,
        webhooks: [aDesired({ url: A }), aDesired({ url: B, include_relations: ['COMPANY'] }), aDesired({ url: C })],
      }),
      [aWebhook({ url: A }), aWebhook({ url: B }), aWebhook({ url: D })],
    );
    expect(p.summary).toEqual({ create: 1, update: 1, delete: 1, replace: 0, unchanged: 1, unmanaged: 0, findings: 0 });
  });

  it('records the manifest and the listing', () => {
    const p = planOk(aManifest({ path: 'hooks/prod.yaml', sha256: 'b'.repeat(64) }), [aWebhook()]);
    expect(p.format_version).toBe(2);
    expect(p.manifest).toEqual({ path: 'hooks/prod.yaml', sha256: 'b'.repeat(64) });
    expect(p.remote).toEqual({ api_url: META.apiUrl, account: 'Acme Marketing', fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), count: 1 });
  });
});

describe('errors that make a plan impossible', () => {
  const at = (line: number) => ({ file: 'webhooks.yaml', line, column: 5 });
  const cases: { name: string; manifest: Manifest; remote: RemoteWebhook[]; code: PlanError['code']; mentions: string[] }[] = [
    {
      name: 'two entries pinning one webhook',
      manifest: aManifest({
        webhooks: [aDesired({ name: 'one', uuid: 'u-1', url: A, source: at(3) }), aDesired({ name: 'two', uuid: 'u-1', url: B, source: at(9) })],
      }),
      remote: [aWebhook({ uuid: 'u-1', url: A })],
      code: 'matched_twice',
      mentions: ['u-1', 'one (webhooks.yaml:3:5)', 'two (webhooks.yaml:9:5)'],
    },
    {
      name: 'a present and an absent entry naming one webhook',
      manifest: aManifest({
        webhooks: [aDesired({ name: 'keep', url: A, source: at(3) })],
        absent: [anAbsent({ name: 'drop', event_type: 'WEBHOOK.CONVERTED', url: A, source: at(12) })],
      }),
      remote: [aWebhook({ url: A })],
      code: 'matched_twice',
      mentions: ['keep (webhooks.yaml:3:5)', 'drop (webhooks.yaml:12:5)'],
    },
    {
      name: 'two entries creating one (event_type, url)',
      manifest: aManifest({
        webhooks: [aDesired({ name: 'one', url: A, source: at(3) }), aDesired({ name: 'two', url: A, source: at(9) })],
      }),
      remote: [],
      code: 'duplicate_key',
      mentions: [`WEBHOOK.CONVERTED ${A}`, 'one (webhooks.yaml:3:5)', 'two (webhooks.yaml:9:5)'],
    },
    {
      name: 'an update moving onto an unmanaged webhook',
      manifest: aManifest({ webhooks: [aDesired({ name: 'mover', uuid: 'u-1', url: B, source: at(3) })] }),
      remote: [aWebhook({ uuid: 'u-1', url: A }), aWebhook({ uuid: 'u-2', url: B })],
      code: 'duplicate_key',
      mentions: ['mover (webhooks.yaml:3:5)', `WEBHOOK.CONVERTED ${B} (uuid u-2, not in the manifest)`],
    },
    {
      name: 'an update moving onto an ignored webhook, prune on',
      manifest: aManifest({
        prune: true,
        ignore: [{ uuid: 'u-2' }],
        webhooks: [aDesired({ name: 'mover', uuid: 'u-1', url: B, source: at(3) })],
      }),
      remote: [aWebhook({ uuid: 'u-1', url: A }), aWebhook({ uuid: 'u-2', url: B })],
      code: 'duplicate_key',
      mentions: ['mover (webhooks.yaml:3:5)', 'uuid u-2'],
    },
    {
      name: 'an update moving onto a webhook that stays as it is',
      manifest: aManifest({
        webhooks: [aDesired({ name: 'mover', uuid: 'u-1', url: B, source: at(3) }), aDesired({ name: 'stays', url: B, source: at(8) })],
      }),
      remote: [aWebhook({ uuid: 'u-1', url: A }), aWebhook({ uuid: 'u-2', url: B })],
      code: 'duplicate_key',
      mentions: ['mover (webhooks.yaml:3:5)', 'stays (webhooks.yaml:8:5)'],
    },
    {
      name: 'two pinned webhooks swapping urls',
      manifest: aManifest({
        webhooks: [aDesired({ name: 'x', uuid: 'u-1', url: B, source: at(3) }), aDesired({ name: 'y', uuid: 'u-2', url: A, source: at(8) })],
      }),
      remote: [aWebhook({ uuid: 'u-1', url: A }), aWebhook({ uuid: 'u-2', url: B })],
      code: 'update_cycle',
      mentions: ['x (webhooks.yaml:3:5)', 'y (webhooks.yaml:8:5)', 'ensure: absent', 'temporary url'],
    },
    {
      name: 'three pinned webhooks rotating urls',
      manifest: aManifest({
        webhooks: [
          aDesired({ name: 'x', uuid: 'u-1', url: B }),
          aDesired({ name: 'y', uuid: 'u-2', url: C }),
          aDesired({ name: 'z', uuid: 'u-3', url: A }),
        ],
      }),
      remote: [aWebhook({ uuid: 'u-1', url: A }), aWebhook({ uuid: 'u-2', url: B }), aWebhook({ uuid: 'u-3', url: C })],
      code: 'update_cycle',
      mentions: ['3 updates', 'x (', 'y (', 'z ('],
    },
    {
      name: 'prune with no webhooks',
      manifest: aManifest({ prune: true }),
      remote: [aWebhook()],
      code: 'empty_prune',
      mentions: ['webhooks.yaml', 'prune: true'],
    },
    {
      name: 'prune with only absent entries',
      manifest: aManifest({ prune: true, absent: [anAbsent({ uuid: 'u-1' })] }),
      remote: [],
      code: 'empty_prune',
      mentions: ['allow_empty'],
    },
  ];

  it.each(cases)('$name', ({ manifest, remote, code, mentions }) => {
    const errors = planErrors(manifest, remote);
    expect(errors.map((e) => e.code)).toEqual([code]);
    const [error] = errors as [PlanError];
    for (const m of mentions) expect(`${error.message} ${error.hint}`).toContain(m);
    expect(error.hint).not.toBe('');
  });

  it('names the subjects of an error with their source positions', () => {
    const [error] = planErrors(
      aManifest({
        webhooks: [aDesired({ name: 'one', uuid: 'u-1', source: at(3) }), aDesired({ name: 'two', uuid: 'u-1', source: at(9) })],
      }),
      [aWebhook({ uuid: 'u-1' })],
    ) as [PlanError];
    expect(error.subjects).toEqual([
      { address: 'one', uuid: 'u-1', source: at(3) },
      { address: 'two', uuid: 'u-1', source: at(9) },
    ]);
  });

  it('returns the empty-prune error together with the others', () => {
    const errors = planErrors(
      aManifest({ prune: true, absent: [anAbsent({ uuid: 'u-1' }), anAbsent({ name: 'again', uuid: 'u-1' })] }),
      [aWebhook({ uuid: 'u-1' })],
    );
    expect(errors.map((e) => e.code)).toEqual(['empty_prune', 'matched_twice']);
  });

  it('plans an empty prune when allow_empty says so', () => {
    const p = planOk(aManifest({ prune: true, safety: { allow_empty: true } }), [aWebhook()]);
    expect(lines(p)).toEqual([`delete WEBHOOK.CONVERTED https://hooks.example.com/rd/converted: ${REASONS.prune}`]);
  });
});

describe('ordering of moves', () => {
  const waves = (p: Plan): Record<string, number> =>
    Object.fromEntries(p.changes.flatMap((c) => (c.action === 'update' ? [[c.address, c.wave]] : [])));

  it('runs an update onto a vacated key after the update that vacates it', () => {
    const p = planOk(
      aManifest({ webhooks: [aDesired({ name: 'a', uuid: 'u-1', url: B }), aDesired({ name: 'b', uuid: 'u-2', url: C })] }),
      [aWebhook({ uuid: 'u-1', url: A }), aWebhook({ uuid: 'u-2', url: B })],
    );
    expect(waves(p)).toEqual({ a: 1, b: 0 });
    expect(p.changes.map((c) => c.address)).toEqual(['b', 'a']);
  });

  it('orders a chain of three', () => {
    const p = planOk(
      aManifest({
        webhooks: [
          aDesired({ name: 'a', uuid: 'u-1', url: B }),
          aDesired({ name: 'b', uuid: 'u-2', url: C }),
          aDesired({ name: 'c', uuid: 'u-3', url: D }),
        ],
      }),
      [aWebhook({ uuid: 'u-1', url: A }), aWebhook({ uuid: 'u-2', url: B }), aWebhook({ uuid: 'u-3', url: C })],
    );
    expect(waves(p)).toEqual({ a: 2, b: 1, c: 0 });
  });

  it('needs no wave for a key a delete frees', () => {
    const p = planOk(
      aManifest({ webhooks: [aDesired({ name: 'a', uuid: 'u-1', url: B })], absent: [anAbsent({ name: 'old', uuid: 'u-2' })] }),
      [aWebhook({ uuid: 'u-1', url: A }), aWebhook({ uuid: 'u-2', url: B })],
    );
    expect(lines(p)).toEqual([`delete old: ${REASONS.absent}`, 'update a: url changed (pinned uuid)']);
    expect(waves(p)).toEqual({ a: 0 });
  });

  it('needs no wave for a key prune frees', () => {
    const p = planOk(aManifest({ prune: true, webhooks: [aDesired({ name: 'a', uuid: 'u-1', url: B })] }), [
      aWebhook({ uuid: 'u-1', url: A }),
      aWebhook({ uuid: 'u-2', url: B }),
    ]);
    expect(p.changes.map((c) => c.action)).toEqual(['delete', 'update']);
  });

  it('sorts deletes, updates, creates, each by address', () => {
    const p = planOk(
      aManifest({
        prune: true,
        webhooks: [
          aDesired({ name: 'z-create', url: 'https://z.example.com' }),
          aDesired({ name: 'a-create', url: 'https://a.example.com' }),
          aDesired({ name: 'y-update', url: C, include_relations: ['COMPANY'] }),
          aDesired({ name: 'b-update', url: D, include_relations: ['COMPANY'] }),
        ],
        absent: [anAbsent({ name: 'm-absent', uuid: 'u-9' })],
      }),
      [
        aWebhook({ url: D }),
        aWebhook({ url: C }),
        aWebhook({ uuid: 'u-9', url: 'https://m.example.com' }),
        aWebhook({ url: A }),
      ],
    );
    expect(p.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      `delete WEBHOOK.CONVERTED ${A}`,
      'delete m-absent',
      'update b-update',
      'update y-update',
      'create a-create',
      'create z-create',
    ]);
  });

  it('is the same whatever order the account lists webhooks in', () => {
    const manifest = aManifest({ prune: true, webhooks: [aDesired({ url: A }), aDesired({ name: 'n', url: C })] });
    const remote = [aWebhook({ url: A, status: 'suspended' }), aWebhook({ url: B }), aWebhook({ url: D })];
    expect(planOk(manifest, [...remote].reverse())).toEqual(planOk(manifest, remote));
  });
});

describe('warnings', () => {
  const codes = (p: Plan): string[] => p.warnings.map((w) => `${w.code} ${w.address ?? ''}`);

  it.each([
    {
      name: 'a suspended managed webhook: a finding, not a warning',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', url: A })] }),
      remote: [aWebhook({ url: A, status: 'suspended' })],
      warnings: [],
    },
    {
      name: 'a suspended unmanaged webhook',
      manifest: aManifest(),
      remote: [aWebhook({ url: A, status: 'inactive' })],
      warnings: [`webhook_suspended WEBHOOK.CONVERTED ${A}`],
    },
    {
      name: 'no suspension warning for a webhook being deleted',
      manifest: aManifest({ absent: [anAbsent({ uuid: 'u-1' })] }),
      remote: [aWebhook({ uuid: 'u-1', status: 'suspended' })],
      warnings: [],
    },
    {
      name: 'a missing status is active',
      manifest: aManifest({ webhooks: [aDesired({ url: A })] }),
      remote: [aWebhook({ url: A, status: undefined })],
      warnings: [],
    },
    {
      name: 'a plain http target',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', url: 'http://hooks.example.com/a' })] }),
      remote: [],
      warnings: ['insecure_url a'],
    },
    {
      name: 'duplicates already in the account',
      manifest: aManifest(),
      remote: [aWebhook({ uuid: 'u-1', url: A }), aWebhook({ uuid: 'u-2', url: A })],
      warnings: [`duplicate_in_account WEBHOOK.CONVERTED ${A}`],
    },
    {
      name: 'a stale pinned uuid',
      manifest: aManifest({ webhooks: [aDesired({ name: 'a', uuid: 'gone', url: A })] }),
      remote: [],
      warnings: ['stale_uuid a'],
    },
  ])('$name', ({ manifest, remote, warnings }) => {
    expect(codes(planOk(manifest, remote))).toEqual(warnings);
  });


  it('tells how to fix a stale uuid, and which webhook was adopted', () => {
    const created = planOk(aManifest({ webhooks: [aDesired({ uuid: 'gone', url: A })] }), []).warnings[0];
    expect(created?.message).toContain('After apply, run `rdhooks pin --update-stale`');
    const adopted = planOk(aManifest({ webhooks: [aDesired({ uuid: 'gone', url: A })] }), [aWebhook({ uuid: 'new', url: A })])
      .warnings[0];
    expect(adopted?.message).toContain('matches webhook new');
  });

  it('warns when an ensure: absent uuid is not listed, since nothing will be deleted', () => {
    const p = planOk(aManifest({ absent: [anAbsent({ name: 'old', uuid: 'gone' }), anAbsent({ event_type: OPP, url: A })] }), []);
    expect(p.changes).toEqual([]);
    expect(p.warnings.map((w) => [w.code, w.address])).toEqual([['stale_uuid', 'old']]);
    expect(p.warnings[0]?.message).toContain('ensure: absent names uuid gone, which the account does not list, so nothing is deleted');
  });

  it('has an entry adopt the active one of listed duplicates and leaves the other unmanaged', () => {
    const p = planOk(aManifest({ webhooks: [aDesired({ url: A })] }), [
      aWebhook({ uuid: 'u-1', url: A, status: 'suspended' }),
      aWebhook({ uuid: 'u-2', url: A }),
    ]);
    expect(p.summary.unchanged).toBe(1);
    expect(p.unmanaged.map((u) => u.uuid)).toEqual(['u-1']);
    expect(codes(p)).toEqual([`duplicate_in_account WEBHOOK.CONVERTED ${A}`, `webhook_suspended WEBHOOK.CONVERTED ${A}`]);
  });

  it('deletes every listed duplicate an absent entry names by url', () => {
    const p = planOk(aManifest({ absent: [anAbsent({ name: 'old', event_type: 'WEBHOOK.CONVERTED', url: A })] }), [
      aWebhook({ uuid: 'u-2', url: A }),
      aWebhook({ uuid: 'u-1', url: A }),
    ]);
    expect(p.changes.map((c) => (c.action === 'delete' ? c.uuid : ''))).toEqual(['u-1', 'u-2']);
  });
});

describe('safety', () => {
  const listed = (n: number): RemoteWebhook[] =>
    Array.from({ length: n }, (_, i) => aWebhook({ url: `https://hooks.example.com/${String(i).padStart(2, '0')}` }));
  const keeping = (remote: RemoteWebhook[], keep: number) =>
    remote.slice(0, keep).map((r) => aDesired({ url: r.url }));

  it.each([
    { name: '3 of 10 pruned: at the default limit', count: 10, keep: 7, safety: {}, unsafe: false },
    { name: '4 of 10 pruned: over the default limit', count: 10, keep: 6, safety: {}, unsafe: true },
    { name: '5 of 9 pruned: too few listed for the default', count: 9, keep: 4, safety: {}, unsafe: false },
    { name: '2 pruned with max_deletes 2', count: 5, keep: 3, safety: { max_deletes: 2 }, unsafe: false },
    { name: '3 pruned with max_deletes 2', count: 5, keep: 2, safety: { max_deletes: 2 }, unsafe: true },
    { name: '1 pruned with max_deletes 0', count: 5, keep: 4, safety: { max_deletes: 0 }, unsafe: true },
    { name: 'max_deletes above the default share', count: 10, keep: 2, safety: { max_deletes: 8 }, unsafe: false },
  ])('$name', ({ count, keep, safety, unsafe }) => {
    const remote = listed(count);
    const p = planOk(aManifest({ prune: true, safety: { allow_empty: false, ...safety }, webhooks: keeping(remote, keep) }), remote);
    expect(p.unsafe !== undefined).toBe(unsafe);
    if (unsafe) expect(p.unsafe?.[0]).toMatch(/^prune would delete \d+/);
  });

  it('does not count explicit ensure: absent deletes', () => {
    const remote = listed(10);
    const p = planOk(
      aManifest({
        prune: true,
        webhooks: keeping(remote, 5),
        absent: remote.slice(5).map((r) => anAbsent({ uuid: r.uuid })),
      }),
      remote,
    );
    expect(p.summary.delete).toBe(5);
    expect(p.unsafe).toBeUndefined();
  });

  it('leaves unsafe out of a safe plan', () => {
    expect('unsafe' in planOk(aManifest(), [])).toBe(false);
  });
});

describe('urls compare in canonical form', () => {
  // Each pair is one URL to a WHATWG parser: whichever spelling RD stores, a plan after apply is clean.
  it.each([
    ['HTTPS://Hooks.Example.com/a', 'https://hooks.example.com/a'],
    ['https://hooks.example.com:443/a', 'https://hooks.example.com/a'],
    ['https://hooks.example.com', 'https://hooks.example.com/'],
    ['https://hooks.example.com/x/../a', 'https://hooks.example.com/a'],
    ['https://bücher.example/a', 'https://xn--bcher-kva.example/a'],
  ])('%s in the manifest matches %s in the account', (written, stored) => {
    const p = planOk(aManifest({ webhooks: [aDesired({ name: 'a', url: written })] }), [aWebhook({ url: stored })]);
    expect(p.changes).toEqual([]);
    expect(p.summary.unchanged).toBe(1);
  });

  it('a pinned entry whose url differs only in spelling is no update', () => {
    const r = aWebhook({ url: 'https://hooks.example.com/a' });
    const p = planOk(aManifest({ webhooks: [aDesired({ name: 'a', uuid: r.uuid, url: 'https://HOOKS.example.com:443/a' })] }), [r]);
    expect(p.changes).toEqual([]);
  });

  it('two spellings of one url in the account are one key: a duplicate warning', () => {
    const [uuidA, uuidB] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
    const p = planOk(aManifest(), [aWebhook({ uuid: uuidA, url: 'https://hooks.example.com/a' }), aWebhook({ uuid: uuidB, url: 'https://Hooks.example.com/a' })]);
    expect(p.warnings.map((w) => w.code)).toEqual(['duplicate_in_account']);
  });
});

describe('suspended webhooks are drift', () => {
  const suspended = aWebhook({ url: A, status: 'suspended' });

  it('suspended: report (the default) leaves it, and the plan has a finding saying how to repair it', () => {
    const p = planOk(aManifest({ webhooks: [aDesired({ name: 'a', url: A })] }), [suspended]);
    expect(p.changes).toEqual([]);
    expect(p.findings).toEqual([expect.objectContaining({ code: 'webhook_suspended', address: 'a', uuid: suspended.uuid, url: A })]);
    expect(p.findings[0]?.message).toContain('rdhooks apply --replace a');
    expect(p.summary.findings).toBe(1);
  });

  it('suspended: recreate plans a replace with the same fields', () => {
    const p = planOk(aManifest({ webhooks: [aDesired({ name: 'a', url: A, suspended: 'recreate' })] }), [suspended]);
    expect(p.findings).toEqual([]);
    expect(p.changes).toEqual([expect.objectContaining({ action: 'replace', address: 'a', uuid: suspended.uuid, reason: REASONS.suspended, fields: [] })]);
    expect(p.summary.replace).toBe(1);
  });

  it('an active webhook under suspended: recreate is left alone', () => {
    expect(planOk(aManifest({ webhooks: [aDesired({ url: A, suspended: 'recreate' })] }), [aWebhook({ url: A })]).changes).toEqual([]);
  });
});

describe('--replace', () => {
  it('replaces the webhooks named by entry name, by "event_type url" or by uuid, with any field changes', () => {
    const m = aManifest({ webhooks: [aDesired({ name: 'a', url: A, include_relations: ['COMPANY'] }), aDesired({ url: B }), aDesired({ url: C })] });
    const remote = [aWebhook({ url: A }), aWebhook({ url: B }), aWebhook({ url: C })];
    const p = planWebhooks(m, remote, META, { replace: ['a', `WEBHOOK.CONVERTED ${B}`, remote[2]?.uuid ?? ''] });
    if (!p.ok) throw new Error('no plan');
    expect(p.plan.changes.map((c) => [c.action, c.address])).toEqual([
      ['replace', `WEBHOOK.CONVERTED ${B}`],
      ['replace', `WEBHOOK.CONVERTED ${C}`],
      ['replace', 'a'],
    ]);
    const a = p.plan.changes[2];
    expect(a?.action === 'replace' && a.fields.map((f) => f.path)).toEqual(['include_relations']);
    expect(p.plan.request).toEqual({ replace: ['a', `WEBHOOK.CONVERTED ${B}`, remote[2]?.uuid], target: [] });
  });

  it('is an error naming an address that matches nothing', () => {
    const r = planWebhooks(aManifest(), [], META, { replace: ['nope'] });
    expect(r.ok ? [] : r.errors.map((e) => [e.code, e.message])).toEqual([['unknown_address', '--replace nope: no entry of the manifest and no listed webhook has that address.']]);
  });
});

describe('--target', () => {
  const m = aManifest({
    prune: true,
    webhooks: [aDesired({ name: 'a', url: A, include_relations: ['COMPANY'] }), aDesired({ name: 'b', url: B, include_relations: ['COMPANY'] })],
  });
  const remote = [aWebhook({ url: A }), aWebhook({ url: B }), aWebhook({ url: D })];

  it('plans only the targeted entries, with prune off, and says it is partial', () => {
    const r = planWebhooks(m, remote, META, { target: ['b'] });
    if (!r.ok) throw new Error('no plan');
    expect(r.plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual(['update b']);
    expect(r.plan.request.target).toEqual(['b']);
    expect(r.plan.unmanaged).toEqual([]);
  });

  it('refuses a targeted move that needs an untargeted one to free its key first', () => {
    const moving = aManifest({
      webhooks: [aDesired({ name: 'x', uuid: 'u-x', url: B }), aDesired({ name: 'y', uuid: 'u-y', url: C })],
    });
    const r = planWebhooks(moving, [aWebhook({ uuid: 'u-x', url: A }), aWebhook({ uuid: 'u-y', url: B })], META, { target: ['x'] });
    expect(r.ok ? [] : r.errors.map((e) => e.code)).toEqual(['target_blocked']);
  });
});

describe('safety.max_updates', () => {
  const many = Array.from({ length: 10 }, (_, i) => aWebhook({ uuid: `u-${i}`, url: `https://hooks.example.com/${i}` }));
  const redirect = (n: number, max?: number) =>
    aManifest({
      safety: { allow_empty: false, ...(max !== undefined ? { max_updates: max } : {}) },
      webhooks: many.map((w, i) => aDesired({ uuid: w.uuid, url: i < n ? `https://new.example.com/${i}` : w.url })),
    });

  it('is unsafe past 30% of the listed webhooks by default (changes of url or event_type only)', () => {
    expect(planOk(redirect(3), many).unsafe).toBeUndefined();
    expect(planOk(redirect(4), many).unsafe?.[0]).toContain('4 of the 10 listed webhooks would be redirected to another url or event type');
  });

  it('follows the manifest limit', () => {
    expect(planOk(redirect(2, 1), many).unsafe?.[0]).toContain('more than safety.max_updates (1)');
    expect(planOk(redirect(4, 5), many).unsafe).toBeUndefined();
  });

  it('does not count updates that keep url and event_type', () => {
    const m = aManifest({ webhooks: many.map((w) => aDesired({ uuid: w.uuid, url: w.url, include_relations: ['COMPANY'] })) });
    expect(planOk(m, many).unsafe).toBeUndefined();
  });
});

describe('failing targets', () => {
  it('are findings for webhooks this plan leaves as they are', () => {
    const r = planWebhooks(aManifest({ webhooks: [aDesired({ name: 'a', url: A })] }), [aWebhook({ url: A })], META, { failingTargets: new Map([[A, `${A} answered 500`]]) });
    expect(r.ok && r.plan.findings).toEqual([expect.objectContaining({ code: 'target_failing', address: 'a', message: `${A} answered 500` })]);
  });

  it('are errors for webhooks this plan would create or change', () => {
    const r = planWebhooks(aManifest({ webhooks: [aDesired({ name: 'a', url: A })] }), [], META, { failingTargets: new Map([[A, `${A} answered 500`]]) });
    expect(r.ok ? [] : r.errors.map((e) => [e.code, e.message])).toEqual([['target_failing', `a would create a target that fails its check: ${A} answered 500.`]]);
  });
});
