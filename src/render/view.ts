/** What text and Markdown both show of a plan: the summary line, field values, set deltas. */
import type { Change, FieldChange, Plan } from '../plan/types.js';
import { SPEC_FIELDS } from '../shared/webhook.js';
import { maskUrl } from '../shared/url.js';
import { count } from '../shared/wording.js';
import type { Redactor } from './redactor.js';

/** The request fields in the order plans show them. */
export const FIELDS = SPEC_FIELDS;

/** The plan's last line: its counts, or that there is nothing to do; findings make it not clean either way. */
export function summaryLine(plan: Plan): string {
  const findings = plan.findings.length > 0 ? ` ${count(plan.findings.length, 'finding')} above: the account is not as the manifest wants, and this plan does not fix it.` : '';
  if (plan.changes.length === 0) return findings ? `No changes, but${findings.replace(/^ /, ' ')}` : 'No changes. The account matches the manifest.';
  const { create, update, delete: del, replace } = plan.summary;
  return `Plan: ${create} to create, ${update} to update, ${del} to delete${replace > 0 ? `, ${replace} to replace` : ''}.${findings}`;
}

/** One changed field as shown to a reviewer. */
export type FieldView =
  | { kind: 'set'; path: string; added: string[]; removed: string[] }
  | { kind: 'value'; path: string; before: string; after: string }
  | { kind: 'sensitive'; path: string };

/** A changed field for display: sets as added and removed elements, a change only in masked parts as such. */
export function viewField(f: FieldChange, r: Redactor): FieldView {
  if (Array.isArray(f.before) && Array.isArray(f.after)) {
    const before = new Set(f.before.map(String));
    const after = new Set(f.after.map(String));
    return {
      kind: 'set',
      path: f.path,
      added: [...after].filter((v) => !before.has(v)).map((v) => quote(r.text(v))),
      removed: [...before].filter((v) => !after.has(v)).map((v) => quote(r.text(v))),
    };
  }
  if (
    !r.showSensitive &&
    f.path === 'url' &&
    typeof f.before === 'string' &&
    typeof f.after === 'string' &&
    maskUrl(f.before) === maskUrl(f.after)
  ) {
    return { kind: 'sensitive', path: f.path };
  }
  return { kind: 'value', path: f.path, before: showValue(f.path, f.before, r), after: showValue(f.path, f.after, r) };
}

/** A field's value, quoted like a literal: `"text"`, `["a", "b"]`. */
export function showValue(path: string, value: unknown, r: Redactor): string {
  if (Array.isArray(value)) return `[${value.map((v) => quote(r.text(String(v)))).join(', ')}]`;
  if (typeof value === 'string') return quote(path === 'url' ? r.url(value) : r.text(value));
  return quote(r.text(String(value)));
}

/** The sign each action is shown with, as in Terraform. */
export const ACTION_SIGN: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', replace: '-/+' };

/** The number of request fields an update leaves as they are. */
export function unchangedCount(fields: readonly FieldChange[]): number {
  return FIELDS.length - fields.length;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
