/** Plans for renderer tests, made by the real planner from builders so they stay realistic. */
import type { Manifest } from '../../src/manifest/types.js';
import { planWebhooks } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import type { RemoteWebhook } from '../../src/shared/webhook.js';
import { aDesired, aManifest, anAbsent, aWebhook } from '../builders.js';

const META = { apiUrl: 'https://api.rd.services', account: 'Acme Marketing' };

/** Plans `manifest` against `remote`. */
export function planOf(manifest: Manifest, remote: RemoteWebhook[]): Plan {
  const result = planWebhooks(manifest, remote, META);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.plan;
}

/**
 * Every kind of change, warning and unmanaged webhook, unsafe, with credentials in URLs (user info, query
 * values, a change only in a token) and remote text carrying ANSI escapes, C1 and bidi controls.
 */
export function richPlan(): Plan {
  const remote = [
    aWebhook({ uuid: '5408c5a3-4711-4f2e-8d0b-13407a3e30f3', url: 'https://hooks.example.com/rd/converted', event_identifiers: ['newsletter', 'old-form'] }),
    aWebhook({ uuid: '11111111-1111-4111-8111-111111111111', event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://old.example.com/opp' }),
    aWebhook({ uuid: '22222222-2222-4222-8222-222222222222', url: 'https://hooks.example.com/rd/token?token=OLDSECRET&v=2', status: 'suspended' }),
    aWebhook({ uuid: '33333333-3333-4333-8333-333333333333', event_type: 'crm_deal_created', url: 'https://legacy.example.com/deals' }),
    aWebhook({ uuid: '44444444-4444-4444-8444-444444444444', event_type: 'crm_deal_updated', url: 'https://evil.example.com/\u001b[31mred\u001b[0m\u202eevil\u0085' }),
    aWebhook({ uuid: '55555555-5555-4555-8555-555555555555', event_type: 'crm_deal_deleted', url: 'https://user:hunter2@dup.example.com/hook' }),
    aWebhook({ uuid: '66666666-6666-4666-8666-666666666666', event_type: 'crm_deal_deleted', url: 'https://user:hunter2@dup.example.com/hook' }),
    aWebhook({ uuid: '77777777-7777-4777-8777-777777777777', event_type: 'crm_deal_updated', url: 'https://absent.example.com/x' }),
    aWebhook({ uuid: '88888888-8888-4888-8888-888888888888', event_type: 'crm_deal_updated', url: 'https://chain.example.com/1' }),
    aWebhook({ uuid: '99999999-9999-4999-8999-999999999999', event_type: 'crm_deal_updated', url: 'https://chain.example.com/2' }),
    aWebhook({ uuid: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://hooks.example.com/rd/won', status: 'suspended' }),
  ];
  const manifest = aManifest({
    prune: true,
    webhooks: [
      aDesired({
        name: 'crm-lead-sync',
        uuid: '5408c5a3-4711-4f2e-8d0b-13407a3e30f3',
        url: 'https://hooks.example.com/rd/converted',
        event_identifiers: ['ebook-download', 'newsletter'],
        include_relations: ['COMPANY', 'CONTACT_FUNNEL'],
      }),
      aDesired({ name: 'opportunities', uuid: '11111111-1111-4111-8111-111111111111', event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://hooks.example.com/rd/opportunity' }),
      aDesired({ name: 'token-rotated', uuid: '22222222-2222-4222-8222-222222222222', url: 'https://hooks.example.com/rd/token?token=NEWSECRET&v=2' }),
      aDesired({ name: 'plain-http', url: 'http://insecure.example.com/hook' }),
      aDesired({ name: 'stale', uuid: 'deadbeef-0000-4000-8000-000000000000', event_type: 'crm_deal_created', url: 'https://new.example.com/deals' }),
      aDesired({ event_type: 'crm_deal_deleted', url: 'https://user:hunter2@dup.example.com/hook' }),
      aDesired({ name: 'chain-a', uuid: '88888888-8888-4888-8888-888888888888', event_type: 'crm_deal_updated', url: 'https://chain.example.com/2' }),
      aDesired({ name: 'chain-b', uuid: '99999999-9999-4999-8999-999999999999', event_type: 'crm_deal_updated', url: 'https://chain.example.com/3' }),
      aDesired({ name: 'won', event_type: 'WEBHOOK.MARKED_OPPORTUNITY', url: 'https://hooks.example.com/rd/won', suspended: 'recreate' }),
    ],
    absent: [anAbsent({ name: 'retired', uuid: '77777777-7777-4777-8777-777777777777' })],
    ignore: [{ url: 'https://legacy.example.com/*' }],
    safety: { allow_empty: false, max_deletes: 0 },
  });
  return planOf(manifest, remote);
}

/** A plan with nothing to do. */
export function emptyPlan(): Plan {
  return planOf(aManifest({ webhooks: [aDesired({ name: 'a' })] }), [aWebhook()]);
}
