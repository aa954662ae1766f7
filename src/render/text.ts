/** The Terraform-like text plan for terminals and logs. */
import { styleText } from 'node:util';
import type { Change, Plan } from '../plan/types.js';
import { redactor, type Redactor, type RenderOptions } from './redactor.js';
import { ACTION_SIGN, FIELDS, showValue, summaryLine, unchangedCount, viewField } from './view.js';
import { count } from '../shared/wording.js';

/** Options of the text renderer. */
export interface TextOptions extends RenderOptions {
  /** Colour the output with ANSI escapes; the caller decides from TTY, NO_COLOR and --no-color. */
  color?: boolean;
}

type Style = Parameters<typeof styleText>[0];
type Paint = (style: Style, text: string) => string;

const ACTION_STYLE: Record<Change['action'], Style> = { create: 'green', update: 'yellow', delete: 'red', replace: 'magenta' };

/** The plan as text: changes, unmanaged webhooks, warnings, unsafe reasons, then the summary line. */
export function renderText(plan: Plan, options: TextOptions = {}): string {
  const r = redactor(options);
  // validateStream: false, because whether to colour is the caller's decision, not the stream's.
  const paint: Paint = options.color ? (s, t) => styleText(s, t, { validateStream: false }) : (_s, t) => t;
  const out: string[] = [];
  out.push(
    paint(
      'bold',
      `rdhooks plan: ${r.text(plan.manifest.path)} against the account ${JSON.stringify(r.text(plan.remote.account))} ` +
        `at ${r.url(plan.remote.api_url)} (${count(plan.remote.count, 'webhook')} listed)`,
    ),
    '',
  );
  if (plan.request.target.length > 0) {
    out.push(paint('yellow', `Partial plan: only ${plan.request.target.map((t) => r.text(t)).join(', ')} (--target); prune is off, and the rest of the account is not planned.`), '');
  }
  for (const change of plan.changes) out.push(...changeLines(change, r, paint), '');

  if (plan.findings.length > 0) {
    out.push(paint(['red', 'bold'], 'Findings: not as the manifest wants, and not fixed by this plan:'));
    for (const f of plan.findings) out.push(`  ${paint('red', '!')} ${r.text(f.address)}: ${r.text(f.message)} [${f.code}]`);
    out.push('');
  }

  if (plan.unmanaged.length > 0) {
    out.push('Unmanaged webhooks, left alone (no entry matches them):');
    for (const u of plan.unmanaged) {
      out.push(
        `  ${r.text(u.event_type)} ${r.url(u.url)}  uuid ${r.text(u.uuid)}${u.ignored ? ' (ignored)' : ''}`,
      );
    }
    out.push('');
  }
  if (plan.warnings.length > 0) {
    out.push(paint('yellow', 'Warnings:'));
    for (const w of plan.warnings) {
      const where = w.address === undefined ? '' : `${r.text(w.address)}: `;
      out.push(`  ${paint('yellow', '!')} ${where}${r.text(w.message)} [${w.code}]`);
    }
    out.push('');
  }
  if (plan.unsafe && plan.unsafe.length > 0) {
    out.push(paint(['red', 'bold'], 'This plan is unsafe: apply will need --force.'));
    for (const reason of plan.unsafe) out.push(`  ${paint('red', '!')} ${r.text(reason)}`);
    out.push('');
  }
  out.push(paint('bold', summaryLine(plan)));
  return `${out.join('\n')}\n`;
}

/** One change: sign and address, the reason, then its fields. */
function changeLines(change: Change, r: Redactor, paint: Paint): string[] {
  const style = ACTION_STYLE[change.action];
  const lines = [`  ${paint(style, ACTION_SIGN[change.action])} ${paint('bold', r.text(change.address))}`];
  lines.push(`      ${paint('dim', `# ${r.text(change.reason)}`)}`);
  const attrs: { sign: string; key: string; value?: string; items?: string[] }[] = [];
  switch (change.action) {
    case 'create':
      for (const f of FIELDS) attrs.push({ sign: ' ', key: f, value: showValue(f, change.after[f], r) });
      break;
    case 'delete':
      attrs.push({ sign: ' ', key: 'uuid', value: showValue('uuid', change.uuid, r) });
      for (const f of ['event_type', 'url'] as const) {
        attrs.push({ sign: ' ', key: f, value: showValue(f, change.before[f], r) });
      }
      break;
    case 'replace':
      lines.push(`      ${paint('dim', '# deleted, then created again with a new uuid')}`);
      attrs.push({ sign: ' ', key: 'uuid', value: showValue('uuid', change.uuid, r) });
      for (const f of FIELDS) {
        const changed = change.fields.find((c) => c.path === f);
        attrs.push({ sign: changed ? '~' : ' ', key: f, value: changed ? `${showValue(f, changed.before, r)} -> ${showValue(f, changed.after, r)}` : showValue(f, change.after[f], r) });
      }
      break;
    case 'update':
      if (change.wave > 0) {
        lines.push(`      ${paint('dim', `# wave ${change.wave}: after the update that frees this event_type and url`)}`);
      }
      attrs.push({ sign: ' ', key: 'uuid', value: showValue('uuid', change.uuid, r) });
      for (const f of change.fields) {
        const v = viewField(f, r);
        if (v.kind === 'set') {
          const items = [
            ...v.added.map((x) => `${paint('green', '+')} ${x}`),
            ...v.removed.map((x) => `${paint('red', '-')} ${x}`),
          ];
          attrs.push({ sign: '~', key: v.path, items });
        } else {
          const value = v.kind === 'sensitive' ? '(sensitive value changed)' : `${v.before} -> ${v.after}`;
          attrs.push({ sign: '~', key: v.path, value });
        }
      }
      break;
  }
  const width = Math.max(...attrs.filter((a) => a.value !== undefined).map((a) => a.key.length), 0);
  for (const a of attrs) {
    const sign = a.sign === '~' ? paint('yellow', '~') : ' ';
    if (a.items) {
      lines.push(`    ${sign} ${a.key}`);
      for (const item of a.items) lines.push(`          ${item}`);
    } else {
      lines.push(`    ${sign} ${a.key.padEnd(width)} = ${a.value ?? ''}`);
    }
  }
  if (change.action === 'update') {
    const hidden = unchangedCount(change.fields);
    if (hidden > 0) lines.push(`      ${paint('dim', `# (${count(hidden, 'unchanged field')} hidden)`)}`);
  }
  return lines;
}
