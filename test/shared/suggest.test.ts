import { describe, expect, it } from '@jest/globals';
import { EVENT_TYPES } from '../../src/shared/webhook.js';
import { distance, suggest } from '../../src/shared/suggest.js';

const KEYS = ['name', 'uuid', 'ensure', 'event_type', 'entity_type', 'url', 'http_method', 'event_identifiers', 'include_relations'];

describe('distance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['url', 'uri', 1],
  ])('%j to %j is %i', (a, b, d) => {
    expect(distance(a, b)).toBe(d);
  });
});

describe('suggest', () => {
  it.each([
    ['event_typ', KEYS, 'event_type'],
    ['evnet_type', KEYS, 'event_type'],
    ['include_relation', KEYS, 'include_relations'],
    ['event_identifier', KEYS, 'event_identifiers'],
    ['URL', KEYS, 'url'],
    ['WEBHOOK.CONVERT', [...EVENT_TYPES], 'WEBHOOK.CONVERTED'],
    ['webhook.converted', [...EVENT_TYPES], 'WEBHOOK.CONVERTED'],
    ['crm_deal_create', [...EVENT_TYPES], 'crm_deal_created'],
    ['colour', KEYS, undefined],
    ['prune', KEYS, undefined],
  ])('%j suggests %j', (input, candidates, expected) => {
    expect(suggest(input, candidates)).toBe(expected);
  });
});
