import { describe, expect, it } from '@jest/globals';
import { fingerprint } from '../../src/plan/fingerprint.js';
import { aWebhook } from '../builders.js';

const listing = [aWebhook({ url: 'https://a.example.com' }), aWebhook({ url: 'https://b.example.com', include_relations: ['COMPANY', 'CONTACT_FUNNEL'] })];
const base = fingerprint(listing);

describe('fingerprint', () => {
  it('is sha256 hex', () => expect(base).toMatch(/^sha256:[0-9a-f]{64}$/));

  it.each([
    { name: 'listing order', listing: [...listing].reverse() },
    { name: 'set order', listing: [listing[0], { ...listing[1], include_relations: ['CONTACT_FUNNEL', 'COMPANY'] }] },
    { name: 'updated_at', listing: [{ ...listing[0], updated_at: '2030-01-01' }, listing[1]] },
    { name: 'created_at, source', listing: [{ ...listing[0], created_at: 'x', source: 'CRM' }, listing[1]] },
  ])('ignores $name', ({ listing: other }) => {
    expect(fingerprint(other as typeof listing)).toBe(base);
  });

  it.each([
    { name: 'a url', listing: [{ ...listing[0], url: 'https://c.example.com' }, listing[1]] },
    { name: 'a status', listing: [{ ...listing[0], status: 'suspended' }, listing[1]] },
    { name: 'a uuid', listing: [{ ...listing[0], uuid: 'other' }, listing[1]] },
    { name: 'the account (platform_account_id)', listing: [{ ...listing[0], platform_account_id: '2' }, listing[1]] },
    { name: 'a set element', listing: [listing[0], { ...listing[1], include_relations: ['COMPANY'] }] },
    { name: 'one webhook fewer', listing: [listing[0]] },
  ])('changes with $name', ({ listing: other }) => {
    expect(fingerprint(other as typeof listing)).not.toBe(base);
  });
});

describe('fingerprint rows', () => {
  it('hash the canonical JSON of each webhook, as saved plans recorded it', async () => {
    const { createHash } = await import('node:crypto');
    const { canonicalJson } = await import('../../src/plan/fingerprint.js');
    const { specOf } = await import('../../src/plan/diff.js');
    const odd = [
      aWebhook({ url: 'https://x.example.com/a"b\\c\u2028', event_identifiers: [' b', 'a', 'a'] }),
      { ...aWebhook({ url: 'https://y.example.com' }), status: undefined, platform_account_id: undefined },
      aWebhook({ event_type: 'crm_deal_created', url: 'https://z.example.com/é', event_identifiers: ['ignored'], include_relations: ['CONTACT_FUNNEL', 'COMPANY'] }),
    ];
    const rows = [...odd]
      .sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0))
      .map((r) => canonicalJson({ uuid: r.uuid, status: r.status ?? null, account: r.platform_account_id ?? null, ...specOf(r) }));
    expect(fingerprint(odd)).toBe(`sha256:${createHash('sha256').update(`[${rows.join(',')}]`).digest('hex')}`);
  });
});
