import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { exportOrder, renderExport } from '../../src/adopt/export.js';
import type { RemoteWebhook } from '../../src/shared/webhook.js';

function aWebhook(overrides: Partial<RemoteWebhook> = {}): RemoteWebhook {
  return {
    uuid: '00000000-0000-4000-8000-000000000001', event_type: 'WEBHOOK.CONVERTED', entity_type: 'CONTACT',
    url: 'https://hooks.example.com/a', http_method: 'POST', event_identifiers: [], include_relations: [], status: 'active',
    ...overrides,
  };
}

const meta = { apiUrl: 'https://api.rd.services', account: 'Acme Marketing', date: '2025-03-01', version: '1.2.3' };

describe('renderExport', () => {
  it('writes the header, the schema line, version 1 and pinned entries without defaults', () => {
    const text = renderExport(
      [
        aWebhook({ uuid: 'u2', event_type: 'crm_deal_created', url: 'https://b.example.com', platform_account_id: '818000000000436400' }),
        aWebhook({ uuid: 'u1', event_identifiers: ['newsletter', 'ebook'], include_relations: ['CONTACT_FUNNEL', 'COMPANY'] }),
      ],
      meta,
    );
    expect(text).toBe(
      [
        '# Exported by rdhooks 1.2.3 on 2025-03-01 from https://api.rd.services',
        '# Each entry is pinned to its webhook by uuid: add names, then `rdhooks plan` should show no changes.',
        '# yaml-language-server: $schema=./node_modules/rdhooks/schemas/webhooks.schema.json',
        'version: 1',
        'account: Acme Marketing',
        'webhooks:',
        '  - uuid: u1',
        '    event_type: WEBHOOK.CONVERTED',
        '    url: https://hooks.example.com/a',
        '    event_identifiers: [ebook, newsletter]',
        '    include_relations: [COMPANY, CONTACT_FUNNEL]',
        '  - uuid: u2',
        '    event_type: crm_deal_created',
        '    url: https://b.example.com',
        '',
      ].join('\n'),
    );
  });

  it('orders by event_type, then url, whatever the list order', () => {
    const ws = [
      aWebhook({ uuid: 'c', event_type: 'crm_deal_updated', url: 'https://a' }),
      aWebhook({ uuid: 'b', event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://z' }),
      aWebhook({ uuid: 'a', event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://m' }),
    ];
    expect(exportOrder(ws).map((w) => w.uuid)).toEqual(['a', 'b', 'c']);
    expect(renderExport(ws, meta)).toBe(renderExport([...ws].reverse(), meta));
  });

  it('keeps non-default entity_type and http_method, and notes a suspended webhook', () => {
    const text = renderExport([aWebhook({ entity_type: 'COMPANY', http_method: 'PUT', status: 'suspended' })], meta);
    expect(text).toContain('  # status: suspended');
    expect(parse(text)).toEqual({
      version: 1,
      account: 'Acme Marketing',
      webhooks: [{ uuid: '00000000-0000-4000-8000-000000000001', event_type: 'WEBHOOK.CONVERTED', url: 'https://hooks.example.com/a', entity_type: 'COMPANY', http_method: 'PUT' }],
    });
  });

  it('writes an empty account as an empty list', () => {
    expect(parse(renderExport([], meta))).toEqual({ version: 1, account: 'Acme Marketing', webhooks: [] });
  });

  it('quotes URLs that YAML would misread', () => {
    const url = 'https://x.example.com/#frag: yes';
    expect((parse(renderExport([aWebhook({ url })], meta)) as { webhooks: { url: string }[] }).webhooks[0]?.url).toBe(url);
  });
});
