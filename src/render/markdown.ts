/** The Markdown plan for pull-request comments and $GITHUB_STEP_SUMMARY. */
import type { Change, Plan } from '../plan/types.js';
import { redactor, type Redactor, type RenderOptions } from './redactor.js';
import { ACTION_SIGN, FIELDS, showValue, summaryLine, unchangedCount, viewField } from './view.js';
import { count } from '../shared/wording.js';

/** GitHub refuses comments over 65,536 characters; this leaves room for a bot's own header. */
export const MARKDOWN_MAX_LENGTH = 65_000;

/** Options of the Markdown renderer. */
export interface MarkdownOptions extends RenderOptions {
  /** The most characters the output may have; changes past it are left out with a note. */
  maxLength?: number;
  /**
   * A drift report: the manifest is the truth (a scheduled check on the main branch), so what differs was changed
   * by hand, and the sections say so.
   */
  drift?: boolean;
}

/** Section titles per kind of difference, in a review of a change and in a drift report. */
const TITLES = {
  redirected: ['#### Redirected: where leads go changes', '#### Redirected by hand: leads go elsewhere'],
  changed: ['#### Updates', '#### Changed by hand'],
  missing: ['#### Creates', '#### Deleted by hand (apply creates them again)'],
  deleted: ['#### Deletes', '#### Added by hand, and pruned by the manifest'],
  replaced: ['#### Replaces (deleted, then created again)', '#### Replaced by apply (deleted, then created again)'],
  suspended: ['#### Suspended by RD Station', '#### Suspended by RD Station'],
  failing: ['#### Targets failing', '#### Targets failing'],
  unmanaged: ['#### Unmanaged webhooks, left alone', '#### Added by hand (not in the manifest), left alone'],
} as const;

/** The kind of a change, for its section: anything that moves a webhook's url or event type comes first. */
function kindOf(c: Change): keyof typeof TITLES {
  if ((c.action === 'update' || c.action === 'replace') && c.fields.some((f) => f.path === 'url' || f.path === 'event_type')) return 'redirected';
  return c.action === 'update' ? 'changed' : c.action === 'create' ? 'missing' : c.action === 'delete' ? 'deleted' : 'replaced';
}

// One value is clipped past this, so no single webhook can crowd every other change out of the comment.
const MAX_VALUE = 2_000;

/**
 * The plan as GitHub-flavoured Markdown: a heading with the summary line, a table of counts, the unsafe
 * reasons, the warnings (before the changes, so a long plan cannot crowd them out), then a section per kind of
 * difference (redirections first: they change where leads go), each change in a `<details>` block, findings and
 * unmanaged webhooks. What does not fit in `maxLength` is counted in a closing note.
 */
export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const base = redactor(options);
  const r: Redactor = { ...base, url: (v) => clip(base.url(v)), text: (v) => clip(base.text(v)) };
  const max = options.maxLength ?? MARKDOWN_MAX_LENGTH;

  const title = (kind: keyof typeof TITLES): string => TITLES[kind][options.drift ? 1 : 0];
  const head: string[] = [
    options.drift ? '### rdhooks drift check' : '### rdhooks plan',
    '',
    `**${plain(summaryLine(plan))}**`,
    '',
    `${code(r.text(plan.manifest.path))} against the account ${code(r.text(plan.remote.account))} at ${code(r.url(plan.remote.api_url))}, ` +
      `${count(plan.remote.count, 'webhook')} listed.`,
    '',
    '| create | update | delete | replace | unchanged | unmanaged | findings |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${[plan.summary.create, plan.summary.update, plan.summary.delete, plan.summary.replace, plan.summary.unchanged, plan.summary.unmanaged, plan.summary.findings].join(' | ')} |`,
    '',
  ];
  if (plan.request.target.length > 0) {
    head.push(`> [!NOTE]\n> Partial plan: only ${plan.request.target.map((t) => code(r.text(t))).join(', ')} (\`--target\`); prune is off.`, '');
  }
  if (plan.unsafe && plan.unsafe.length > 0) {
    head.push('> [!CAUTION]', '> **This plan is unsafe:** `rdhooks apply` will need `--force`.');
    for (const reason of plan.unsafe) head.push(`> - ${plain(r.text(reason))}`);
    head.push('');
  }

  const sections: Section[] = [
    {
      title: '#### Warnings',
      noun: 'warning',
      blocks: plan.warnings.map(
        (w) => `- ${code(w.code)}${w.address === undefined ? '' : ` ${code(r.text(w.address))}`}: ${plain(r.text(w.message))}`,
      ),
    },
    ...(['redirected', 'changed', 'missing', 'deleted', 'replaced'] as const).map((kind) => ({
      title: title(kind),
      noun: 'change',
      blocks: plan.changes.filter((c) => kindOf(c) === kind).map((c) => changeBlock(c, r)),
    })),
    ...(['suspended', 'failing'] as const).map((kind) => ({
      title: title(kind),
      noun: 'finding',
      blocks: plan.findings
        .filter((f) => (f.code === 'webhook_suspended') === (kind === 'suspended'))
        .map((f) => `- ${code(r.text(f.address))} ${code(r.url(f.url))}: ${plain(r.text(f.message))}`),
    })),
    {
      title: title('unmanaged'),
      noun: 'unmanaged webhook',
      blocks: plan.unmanaged.map(
        (u) =>
          `- ${code(`${r.text(u.event_type)} ${r.url(u.url)}`)} uuid ${code(r.text(u.uuid))}${u.ignored ? ' (ignored)' : ''}`,
      ),
    },
  ];
  return fit(head.join('\n'), sections, max);
}

interface Section {
  title: string | undefined;
  noun: string;
  blocks: string[];
}

// Room kept for the notes of what was left out.
const NOTE_ROOM = 400;

/** Appends blocks in order while they fit, then says how many of each kind were left out. */
function fit(head: string, sections: Section[], max: number): string {
  let out = `${head}\n`;
  let full = false;
  const omitted = new Map<string, number>();
  for (const s of sections) {
    if (s.blocks.length === 0) continue;
    let shown = 0;
    for (const block of s.blocks) {
      const piece = `${shown === 0 && s.title ? `${s.title}\n\n` : ''}${block}\n`;
      if (full || out.length + piece.length + NOTE_ROOM > max) {
        full = true;
        break;
      }
      out += piece;
      shown += 1;
    }
    if (shown > 0 && !out.endsWith('\n\n')) out += '\n';
    const left = s.blocks.length - shown;
    if (left > 0) omitted.set(s.noun, (omitted.get(s.noun) ?? 0) + left);
  }
  if (omitted.size > 0) {
    out +=
      `> [!NOTE]\n> ${[...omitted].map(([noun, n]) => count(n, noun)).join(', ')} left out to stay under ${max} characters. ` +
      'Run `rdhooks plan` for the full plan, or `--format json` for all of it as data.\n';
  }
  return out.length > max ? `${out.slice(0, max - 1)}\n` : out;
}

/** One change as a collapsed `<details>` block whose body is a diff. */
function changeBlock(change: Change, r: Redactor): string {
  const summary =
    `<code>${ACTION_SIGN[change.action]}</code> ${change.action} <b>${html(r.text(change.address))}</b>: ` +
    html(r.text(change.reason));
  const lines: string[] = [];
  switch (change.action) {
    case 'create':
      for (const f of FIELDS) lines.push(`+ ${f} = ${showValue(f, change.after[f], r)}`);
      break;
    case 'delete':
      lines.push(`- uuid = ${showValue('uuid', change.uuid, r)}`);
      for (const f of ['event_type', 'url'] as const) lines.push(`- ${f} = ${showValue(f, change.before[f], r)}`);
      break;
    case 'replace':
      lines.push(`- uuid = ${showValue('uuid', change.uuid, r)}`, '  # deleted, then created again with a new uuid');
      for (const f of FIELDS) {
        const changed = change.fields.find((c) => c.path === f);
        if (changed) lines.push(`- ${f} = ${showValue(f, changed.before, r)}`, `+ ${f} = ${showValue(f, changed.after, r)}`);
        else lines.push(`  ${f} = ${showValue(f, change.after[f], r)}`);
      }
      break;
    case 'update':
      lines.push(`  uuid = ${showValue('uuid', change.uuid, r)}`);
      if (change.wave > 0) lines.push(`  # wave ${change.wave}: after the update that frees this event_type and url`);
      for (const f of change.fields) {
        const v = viewField(f, r);
        if (v.kind === 'set') {
          lines.push(`! ${v.path}`, ...v.added.map((x) => `+   ${x}`), ...v.removed.map((x) => `-   ${x}`));
        } else if (v.kind === 'sensitive') {
          lines.push(`! ${v.path} = (sensitive value changed)`);
        } else {
          lines.push(`- ${v.path} = ${v.before}`, `+ ${v.path} = ${v.after}`);
        }
      }
      if (unchangedCount(change.fields) > 0) lines.push(`  # (${unchangedCount(change.fields)} unchanged fields hidden)`);
      break;
  }
  // Values are single-line (control characters are stripped), so none can close the fence early. The blank
  // line after </details> ends the HTML block, so the next block's Markdown body renders too.
  return `<details><summary>${summary}</summary>\n\n\`\`\`diff\n${lines.join('\n')}\n\`\`\`\n\n</details>\n`;
}

/** Text safe inside HTML: the summary of a details block. */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An inline code span that no backtick inside the text can end early. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Prose with Markdown and HTML syntax escaped, so remote text cannot add links, images, mentions or markup.
 * Backticks stay: our own messages quote commands with them, and a code span can only make text more literal.
 */
export function plain(text: string): string {
  return text.replace(/[\\*_[\]<>()#!|~&@]/g, '\\$&');
}

function clip(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}
