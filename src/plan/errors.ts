/** How plan errors name what they are about, and the thrown form of a failed plan. */
import { UserError } from '../errors.js';
import type { SourcePosition } from '../manifest/types.js';
import type { PlanError } from './types.js';

/** `address (file:line:col)`, or `address (uuid …, not in the manifest)` for a listed webhook no entry names. */
export function describeSubject(s: { address: string; uuid?: string; source?: SourcePosition }): string {
  if (s.source) return `${s.address} (${s.source.file}:${s.source.line}:${s.source.column})`;
  return `${s.address} (uuid ${s.uuid ?? '?'}, not in the manifest)`;
}

/** Thrown by `plan()` when no plan can be made; `errors` holds every reason, `hint` their fixes. */
export class PlanFailedError extends UserError {
  override readonly name = 'PlanFailedError';
  constructor(readonly errors: PlanError[]) {
    super(errors.map((e) => e.message).join('\n'), errors.map((e) => e.hint).join('\n'));
  }
}
