/** Final-state collisions: RD keeps one webhook per (event_type, url), so a plan must never end with two. */
import { describeSubject } from './errors.js';
import { compareText } from './order.js';
import type { PlanError, PlanErrorSubject } from './types.js';

/** A webhook as it will be once apply is done. */
export interface FinalWebhook {
  /** identityKey() of its final state. */
  key: string;
  subject: PlanErrorSubject;
  /** True for a create, or an update that changes its key: a write the API would refuse on a taken key. */
  moved: boolean;
}

/**
 * One error per key that two final webhooks share and that some write of this plan moves onto: a create or
 * update onto the key of a webhook that is neither deleted nor moved away. Duplicates already in the account
 * that this plan leaves as they are only warn: the account has them, the plan does not make them.
 */
export function findCollisions(finals: readonly FinalWebhook[]): PlanError[] {
  const byKey = new Map<string, FinalWebhook[]>();
  for (const f of finals) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f]);
  const errors: PlanError[] = [];
  for (const [key, group] of [...byKey].sort(([a], [b]) => compareText(a, b))) {
    if (group.length < 2 || !group.some((f) => f.moved)) continue;
    errors.push({
      code: 'duplicate_key',
      message:
        `${group.length} webhooks would end with ${key}, which RD allows only once: ` +
        `${group.map((f) => describeSubject(f.subject)).join(', ')}.`,
      hint:
        'Give them different urls or event types, or delete the one in the way: mark it `ensure: absent` ' +
        '(or set `prune: true` if it is not in the manifest).',
      subjects: group.map((f) => f.subject),
    });
  }
  return errors;
}
