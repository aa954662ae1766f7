import { describe, expect, it } from '@jest/globals';
import { fromWire, listFromWire, parseJsonLossless, stringifyWithLargeIds, toRequestBody, WireFormatError } from '../../src/rdstation/wire.js';
import { normalizeSpec } from '../../src/shared/webhook.js';
import { apiFixture } from '../helpers/fixtures.js';

describe('toRequestBody', () => {
  it('sends the whole object with event_identifiers for WEBHOOK.CONVERTED', () => {
    const spec = normalizeSpec({ event_type: 'WEBHOOK.CONVERTED', url: 'https://x.test/a', event_identifiers: ['b', 'a'], include_relations: ['COMPANY'] });
    expect(toRequestBody(spec)).toEqual({
      event_type: 'WEBHOOK.CONVERTED', entity_type: 'CONTACT', url: 'https://x.test/a', http_method: 'POST',
      event_identifiers: ['a', 'b'], include_relations: ['COMPANY'],
    });
  });

  it.each(['WEBHOOK.MARKED_OPPORTUNITY', 'crm_deal_created', 'crm_deal_updated', 'crm_deal_deleted'])('leaves event_identifiers out for %s', (event_type) => {
    const body = toRequestBody(normalizeSpec({ event_type, url: 'https://x.test/a', event_identifiers: ['stray'] }));
    expect(body).not.toHaveProperty('event_identifiers');
    expect(body).toMatchObject({ entity_type: 'CONTACT', http_method: 'POST', include_relations: [] });
  });
});

describe('parseJsonLossless', () => {
  it('keeps platform_account_id as the text received', () => {
    const parsed = parseJsonLossless(apiFixture('list-large-account-id.json')) as { webhooks: { platform_account_id: unknown }[] };
    expect(parsed.webhooks[0]?.platform_account_id).toBe('818000000000436400');
  });

  it('keeps digits plain JSON.parse would round away', () => {
    const text = '{"platform_account_id": 818000000000436401}';
    expect(String((JSON.parse(text) as { platform_account_id: number }).platform_account_id)).toBe('818000000000436400');
    expect(parseJsonLossless(text)).toEqual({ platform_account_id: '818000000000436401' });
  });

  it('does not touch the key inside a string value', () => {
    const text = '{"url":"https://x.test/?q=\\"platform_account_id\\":1","platform_account_id":12}';
    expect(parseJsonLossless(text)).toEqual({ url: 'https://x.test/?q="platform_account_id":1', platform_account_id: '12' });
  });

  it('writes the id back as a bare number', () => {
    expect(stringifyWithLargeIds({ platform_account_id: '818000000000436400' })).toBe('{"platform_account_id":818000000000436400}');
  });
});

describe('fromWire / listFromWire', () => {
  it('normalizes sets and keeps the server fields', () => {
    const [w] = listFromWire(parseJsonLossless(apiFixture('list-large-account-id.json')));
    expect(w).toEqual({
      uuid: 'adc6944d-0c74-4e7c-899e-6d816465b561', event_type: 'WEBHOOK.CONVERTED', entity_type: 'CONTACT',
      url: 'https://hooks.example.com/rd/converted', http_method: 'POST', event_identifiers: ['ebook', 'newsletter'],
      include_relations: ['COMPANY', 'CONTACT_FUNNEL'], status: 'active', source: 'MKT',
      created_at: '2023-09-20T13:51:28.233Z', updated_at: '2023-09-21T13:51:28.233Z', platform_account_id: '818000000000436400',
    });
  });

  it('accepts legacy objects without status, source, timestamps or event_identifiers', () => {
    const list = listFromWire(parseJsonLossless(apiFixture('list-legacy-no-server-fields.json')));
    expect(list).toHaveLength(2);
    expect(list[0]).toEqual({
      uuid: '5408c5a3-4711-4f2e-8d0b-13407a3e30f3', event_type: 'WEBHOOK.CONVERTED', entity_type: 'CONTACT',
      url: 'http://my-url.com', http_method: 'POST', event_identifiers: [], include_relations: [],
    });
  });

  it('reads a missing webhooks array as empty', () => {
    expect(listFromWire({})).toEqual([]);
    expect(listFromWire({ webhooks: null })).toEqual([]);
  });

  it('fills missing entity_type and http_method with their only values', () => {
    expect(fromWire({ uuid: 'u', event_type: 'crm_deal_created', url: 'https://x.test' })).toMatchObject({ entity_type: 'CONTACT', http_method: 'POST' });
  });

  it.each([[null], [[]], [{ event_type: 'x', url: 'y' }], [{ uuid: 'u', url: 'y' }], [{ uuid: 'u', event_type: 'x', url: 'y', include_relations: 'COMPANY' }]])(
    'rejects %j',
    (value) => {
      expect(() => fromWire(value)).toThrow(WireFormatError);
    },
  );
});
