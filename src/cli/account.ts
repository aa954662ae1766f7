/** Planning an account for the terminal: progress on stderr, plan errors printed, then a UserError. */
import type { Manifest } from '../manifest/types.js';
import { planAccount, type PlannedAccount } from '../reconcile/plan-account.js';
import type { AccountSession } from '../reconcile/session.js';
import { UserError } from '../shared/errors.js';
import { count } from '../shared/wording.js';
import type { Display } from './display.js';
import type { Io } from './io.js';

/** Lists the account once and plans; what makes a plan impossible is printed, then thrown as a UserError. */
export async function planOrExplain(manifest: Manifest, session: AccountSession, io: Io, display: Display): Promise<PlannedAccount> {
  const result = await planAccount({ manifest, session, onListed: (n) => void io.stderr.write(`Listed ${count(n, 'webhook')}.\n`) });
  if (result.ok) return result;
  const { renderPlanErrors } = await import('../render/errors.js');
  io.stderr.write(renderPlanErrors(result.errors, { showSensitive: display.showSensitive }));
  throw new UserError(`No plan can be made: ${count(result.errors.length, 'problem')} above. Nothing was changed.`);
}
