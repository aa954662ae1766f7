/** The account most CLI tests start from, and the manifest that plans one create and two updates against it. */
import { aWebhook } from '../builders.js';

export const HOOKS = 'https://hooks.example.com';
export const WEBHOOKS = '/integrations/webhooks';
/** What apply asks on a terminal. */
export const PROMPT = "Apply these changes? Only 'yes' is accepted:";

/** a and b, managed (both about to change), and one unmanaged webhook. */
export const A = aWebhook({ url: `${HOOKS}/a` });
export const B = aWebhook({ url: `${HOOKS}/b`, event_type: 'WEBHOOK.MARKED_OPPORTUNITY' });
export const LEGACY = aWebhook({ url: 'https://legacy.example.com/x', event_type: 'crm_deal_created' });

/** One create (c), two updates (a, b), no delete; LEGACY stays unmanaged. */
export const MANIFEST = `version: 1
webhooks:
  - name: a
    event_type: WEBHOOK.CONVERTED
    url: ${HOOKS}/a
    include_relations: [COMPANY]
  - name: b
    event_type: WEBHOOK.MARKED_OPPORTUNITY
    url: ${HOOKS}/b
    include_relations: [CONTACT_FUNNEL]
  - name: c
    event_type: crm_deal_created
    url: ${HOOKS}/c
`;
