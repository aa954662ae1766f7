import { describe, expect, it } from '@jest/globals';
import { accountFromWire, fromWire, listFromWire, parseJsonLossless, stringifyWithLargeIds, tokensFromWire, toRequestBody, WireFormatError } from '../../src/rdstation/wire.js';
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

  it('reads an empty webhooks array as an empty account', () => {
    expect(listFromWire({ webhooks: [] })).toEqual([]);
  });

  // A 200 without the array is a proxy, a gateway or an error: taken as an empty account, a plan would delete.
  it.each([
    [{}, /not a list of webhooks \(no "webhooks" array\): it is an empty object/],
    [{ message: 'API rate limit exceeded' }, /error body \("API rate limit exceeded"\)/],
    [{ data: [] }, /no "webhooks" array\): it has data$/],
    [{ status: 'error' }, /it has status$/],
    [{ errors: { error_type: 'UNAUTHORIZED', error_message: 'Invalid token.' } }, /error body \("Invalid token\."\)/],
    [{ webhooks: null }, /"webhooks" is not an array \(it is null\)/],
    [{ webhooks: {} }, /"webhooks" is not an array \(it is object\)/],
    [null, /not a JSON object/],
    [[], /not a JSON object/],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5, 'f\u001b[31m': 6 }, /it has a, b, c, d, e, …$/],
  ])('refuses the list body %j', (value, message) => {
    expect(() => listFromWire(value)).toThrow(WireFormatError);
    expect(() => listFromWire(value)).toThrow(message);
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

describe('tokensFromWire', () => {
  it.each([
    [{ access_token: 'a' }, { access_token: 'a' }],
    [{ access_token: 'a', expires_in: 7200, refresh_token: 'r', scope: 'x' }, { access_token: 'a', expires_in: 7200, refresh_token: 'r' }],
    [{ access_token: 'a', expires_in: null, refresh_token: null }, { access_token: 'a' }],
  ])('reads %j', (value, expected) => {
    expect(tokensFromWire(value)).toEqual(expected);
  });

  it.each([
    [{}, /no access_token/],
    [{ access_token: '' }, /no access_token/],
    [{ access_token: 5 }, /no access_token/],
    [{ errors: { error_type: 'INVALID_REFRESH_TOKEN', error_message: 'revoked' } }, /error body \("revoked"\), not a token response/],
    [{ access_token: 'a', expires_in: 0 }, /"expires_in" is 0, expected a positive number/],
    [{ access_token: 'a', expires_in: -1 }, /"expires_in" is -1/],
    [{ access_token: 'a', expires_in: '86400' }, /"expires_in" is string/],
    [{ access_token: 'a', refresh_token: '' }, /"refresh_token" is empty/],
    [{ access_token: 'a', refresh_token: 42 }, /"refresh_token" is number/],
    [null, /not a JSON object/],
    [['a'], /not a JSON object/],
  ])('refuses %j', (value, message) => {
    expect(() => tokensFromWire(value)).toThrow(message);
  });
});

describe('accountFromWire', () => {
  it('reads the name, without control characters', () => {
    expect(accountFromWire({ name: 'Acme Ltda' })).toEqual({ name: 'Acme Ltda' });
    expect(accountFromWire({ name: 'Acme\u001b[2J\nLtda', id: 1 })).toEqual({ name: 'Acme Ltda' });
  });

  it.each([
    [{}, /not account information \(no "name"\): it is an empty object/],
    [{ message: 'Forbidden' }, /error body \("Forbidden"\)/],
    [{ name: '' }, /"name" is empty/],
    [{ name: '\u001b[0m' }, /"name" is empty/],
    [{ name: null }, /"name" is null/],
    [{ name: 7 }, /"name" is number/],
    [[], /not a JSON object/],
    [null, /not a JSON object/],
  ])('refuses %j', (value, message) => {
    expect(() => accountFromWire(value)).toThrow(message);
  });
});
