/** The webhooks an in-process emulator starts with on first use, so a first plan has something to show. */
import type { WireWebhook } from '../rdstation/wire.js';

/** Three webhooks as RD would list them: a conversion, an opportunity and a CRM event; fixed uuids for docs. */
export const DEMO_WEBHOOKS: readonly WireWebhook[] = [
  {
    uuid: '5408c5a3-4711-4f2e-8d0b-13407a3e30f3',
    event_type: 'WEBHOOK.CONVERTED',
    entity_type: 'CONTACT',
    url: 'https://hooks.example.com/rd/converted',
    http_method: 'POST',
    event_identifiers: ['newsletter'],
    include_relations: ['COMPANY'],
    created_at: '2024-01-15T12:00:00.000Z',
    updated_at: '2024-01-15T12:00:00.000Z',
    platform_account_id: '818000000000436400',
    source: 'MKT',
    status: 'active',
  },
  {
    uuid: '642d985c-487c-4c53-b9de-2c1223841cae',
    event_type: 'WEBHOOK.MARKED_OPPORTUNITY',
    entity_type: 'CONTACT',
    url: 'https://hooks.example.com/rd/opportunity',
    http_method: 'POST',
    event_identifiers: [],
    include_relations: ['CONTACT_FUNNEL', 'COMPANY'],
    created_at: '2024-01-15T12:00:00.000Z',
    updated_at: '2024-02-01T09:30:00.000Z',
    platform_account_id: '818000000000436400',
    source: 'MKT',
    status: 'active',
  },
  {
    uuid: 'adc6944d-0c74-4e7c-899e-6d816465b561',
    event_type: 'crm_deal_created',
    entity_type: 'CONTACT',
    url: 'https://legacy.example.com/deals',
    http_method: 'POST',
    event_identifiers: [],
    include_relations: [],
    created_at: '2023-09-20T13:51:28.233Z',
    updated_at: '2023-09-21T13:51:28.233Z',
    platform_account_id: '818000000000436400',
    source: 'CRM',
    status: 'active',
  },
];
