/** Plan errors as text: the planner's messages carry URLs, so they are masked and stripped like plans. */
import type { PlanError } from '../plan/types.js';
import { redactor, type RenderOptions } from './redactor.js';

/** One `error: …` line and one indented `hint: …` line per error, URL credentials masked unless asked. */
export function renderPlanErrors(errors: readonly PlanError[], options: RenderOptions = {}): string {
  const r = redactor(options);
  return errors.map((e) => `error: ${r.text(e.message)}\n  hint: ${r.text(e.hint)}\n`).join('');
}
