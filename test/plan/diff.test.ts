import { describe, expect, it } from '@jest/globals';
import { diffFields } from '../../src/plan/diff.js';
import { aWebhook } from '../builders.js';

describe('diffFields', () => {
  it.each([
    { name: 'equal', before: {}, after: {}, fields: [] },
    { name: 'set order', before: { include_relations: ['B', 'A'] }, after: { include_relations: ['A', 'B'] }, fields: [] },
    { name: 'set duplicates', before: { event_identifiers: ['a', 'a'] }, after: { event_identifiers: ['a'] }, fields: [] },
    { name: 'missing array', before: { event_identifiers: undefined }, after: { event_identifiers: [] }, fields: [] },
    { name: 'server fields', before: { status: 'suspended', updated_at: 'x', uuid: 'other' }, after: {}, fields: [] },
    {
      name: 'a string field',
      before: { url: 'https://a' },
      after: { url: 'https://b' },
      fields: [{ path: 'url', before: 'https://a', after: 'https://b' }],
    },
    {
      name: 'a set grown at the end',
      before: { event_identifiers: ['a'] },
      after: { event_identifiers: ['a', 'b'] },
      fields: [{ path: 'event_identifiers', before: ['a'], after: ['a', 'b'] }],
    },
    {
      name: 'a set emptied',
      before: { include_relations: ['COMPANY'] },
      after: { include_relations: [] },
      fields: [{ path: 'include_relations', before: ['COMPANY'], after: [] }],
    },
    {
      name: 'several fields, in plan order',
      before: { include_relations: ['COMPANY'], event_type: 'X' },
      after: { include_relations: [], event_type: 'Y' },
      fields: [
        { path: 'event_type', before: 'X', after: 'Y' },
        { path: 'include_relations', before: ['COMPANY'], after: [] },
      ],
    },
  ])('$name', ({ before, after, fields }) => {
    expect(diffFields(aWebhook(before as object), aWebhook(after as object))).toEqual(fields);
  });
});
