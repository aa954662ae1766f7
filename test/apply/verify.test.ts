import { describe, expect, it } from '@jest/globals';
import { unfulfilledChanges } from '../../src/apply/verify.js';
import type { Change } from '../../src/plan/types.js';
import { specOf } from '../../src/plan/diff.js';
import { aWebhook } from '../builders.js';

const A = 'https://hooks.example.com/a';
const B = 'https://hooks.example.com/b';
const listedA = aWebhook({ uuid: 'u-a', url: A });
const create: Change = { action: 'create', address: 'a', reason: 'not in the account', after: specOf(listedA) };
const update: Change = { action: 'update', address: 'b', uuid: 'u-b', reason: 'fields differ', wave: 0, before: aWebhook({ uuid: 'u-b', url: B }), after: specOf(aWebhook({ url: B, include_relations: ['COMPANY'] })), fields: [] };
const del: Change = { action: 'delete', address: 'gone', uuid: 'u-gone', reason: 'ensure: absent in the manifest', before: aWebhook({ uuid: 'u-gone' }) };

describe('unfulfilledChanges', () => {
  it.each([
    { name: 'every change in place', listing: [listedA, aWebhook({ uuid: 'u-b', url: B, include_relations: ['COMPANY'] })], unfulfilled: [] },
    { name: 'a create missing, an update not applied', listing: [aWebhook({ uuid: 'u-b', url: B })], unfulfilled: ['b', 'a'] },
    { name: 'a deleted uuid still listed', listing: [listedA, aWebhook({ uuid: 'u-b', url: B, include_relations: ['COMPANY'] }), aWebhook({ uuid: 'u-gone' })], unfulfilled: ['gone'] },
    {
      name: 'a created key listed twice (a create that landed twice)',
      listing: [listedA, aWebhook({ uuid: 'u-a2', url: A }), aWebhook({ uuid: 'u-b', url: B, include_relations: ['COMPANY'] })],
      unfulfilled: ['a'],
    },
  ])('$name', ({ listing, unfulfilled }) => {
    expect(unfulfilledChanges([del, update, create], listing).map((c) => c.address)).toEqual(unfulfilled);
  });
});
