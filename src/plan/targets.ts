/** Narrowing a plan to the entries named by --target: a partial plan. Pure. */
import { identityKey } from '../shared/webhook.js';
import type { Change, Finding, PlanError, PlanWarning, UnmanagedWebhook } from './types.js';

/** What a plan holds before it is narrowed. */
export interface PlanScope {
  changes: Change[];
  findings: Finding[];
  unmanaged: UnmanagedWebhook[];
  warnings: PlanWarning[];
  errors: PlanError[];
}

/** The key a change leaves behind, and the one it takes. */
function vacates(c: Change): string | undefined {
  if (c.action === 'delete' || c.action === 'replace') return identityKey(c.before);
  if (c.action === 'update' && identityKey(c.before) !== identityKey(c.after)) return identityKey(c.before);
  return undefined;
}

/**
 * Only what concerns the targeted entries: their changes, findings, warnings and errors, and the unmanaged
 * webhooks whose key they would take. A targeted change that needs an untargeted one to free its key first is an
 * error naming it, since applying the targeted change alone would be refused.
 */
export function narrowToTargets(scope: PlanScope, targeted: (address: string, uuid?: string) => boolean): PlanScope {
  const isTarget = (c: { address: string; uuid?: string }): boolean => targeted(c.address, c.uuid);
  const changes = scope.changes.filter(isTarget);
  const takes = new Set(changes.flatMap((c) => (c.action === 'delete' ? [] : [identityKey(c.after)])));
  const errors = scope.errors.filter((e) => e.subjects.some(isTarget));
  for (const c of changes) {
    if (c.action === 'delete') continue;
    const blocker = scope.changes.find((other) => other !== c && !isTarget(other) && vacates(other) === identityKey(c.after));
    if (blocker) {
      errors.push({
        code: 'target_blocked',
        message: `${c.address} takes the event_type and url that ${blocker.address} frees, which is not targeted: applied alone, RD would refuse it.`,
        hint: `Target both: --target ${c.address} --target ${blocker.address}`,
        subjects: [{ address: c.address }, { address: blocker.address }],
      });
    }
  }
  return {
    changes,
    findings: scope.findings.filter(isTarget),
    unmanaged: scope.unmanaged.filter((u) => takes.has(identityKey(u))),
    warnings: scope.warnings.filter((w) => w.address !== undefined && targeted(w.address)),
    errors,
  };
}
