/** Why apply wrote nothing to an account, as the error the user reads: what refused it, and what to do. */
import type { ApplyOutcome } from '../reconcile/apply-plan.js';
import { redactor } from '../render/redactor.js';
import { UserError } from '../shared/errors.js';

/** The error for an apply that refused or was declined; undefined when it ran (or had nothing to do). */
export function refusalOf(outcome: ApplyOutcome, showSensitive: boolean): UserError | undefined {
  switch (outcome.kind) {
    case 'unsafe':
      return new UserError('Refusing to apply an unsafe plan; nothing was changed.', 'Review the reasons above; pass --force to apply it anyway, or raise safety.max_deletes or safety.max_updates in the manifest.');
    case 'declined':
      return new UserError('Apply cancelled; nothing was changed.');
    case 'account-changed': {
      const r = redactor({ showSensitive });
      return new UserError(
        `The account changed after the plan above was made; nothing was changed:\n${outcome.changes.map((c) => `  ${r.text(c)}`).join('\n')}`,
        'Run rdhooks apply again to see and apply a plan for the account as it is now.',
      );
    }
    default:
      return undefined;
  }
}
