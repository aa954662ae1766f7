/** The manifest `rdhooks export` writes: what the account has now, uuids pinned, defaults left out. Pure. */
import { Document, isScalar, isSeq, Scalar, visit, type YAMLMap } from 'yaml';
import { escapeUnsafeJson, hasUnsafe, stripControl } from '../shared/text.js';
import type { RemoteWebhook } from '../shared/webhook.js';

/** Where and when the export was taken, for its header comment. */
export interface ExportMeta {
  apiUrl: string;
  /** The account's name: written as the manifest's `account:` guard. */
  account: string;
  /** The export date, YYYY-MM-DD. */
  date: string;
  version: string;
}

/**
 * The schema line editors use to validate the manifest: the schema of the rdhooks installed next to it (a pinned
 * dev dependency), relative to the manifest at the repository root, so it matches the version that runs in CI.
 */
export const SCHEMA_LINE = 'yaml-language-server: $schema=./node_modules/rdhooks/schemas/webhooks.schema.json';

const SET_FIELDS = new Set(['event_identifiers', 'include_relations']);


/** Webhooks in the order the manifest lists them: by event_type, then url (then uuid, for a stable tie-break). */
export function exportOrder(webhooks: readonly RemoteWebhook[]): RemoteWebhook[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...webhooks].sort((a, b) => cmp(a.event_type, b.event_type) || cmp(a.url, b.url) || cmp(a.uuid, b.uuid));
}

/** One manifest entry: uuid pinned, defaults (entity_type CONTACT, http_method POST, empty sets) omitted. */
function entry(w: RemoteWebhook): Record<string, unknown> {
  const e: Record<string, unknown> = { uuid: w.uuid, event_type: w.event_type, url: w.url };
  if (w.entity_type !== 'CONTACT') e.entity_type = w.entity_type;
  if (w.http_method !== 'POST') e.http_method = w.http_method;
  if (w.event_identifiers.length) e.event_identifiers = [...w.event_identifiers].sort();
  if (w.include_relations.length) e.include_relations = [...w.include_relations].sort();
  return e;
}

/** Renders the exported manifest as YAML text. */
export function renderExport(webhooks: readonly RemoteWebhook[], meta: ExportMeta): string {
  const ordered = exportOrder(webhooks);
  const doc = new Document({ version: 1, account: meta.account, webhooks: ordered.map(entry) });
  const header = [
    `# Exported by rdhooks ${meta.version} on ${meta.date} from ${stripControl(meta.apiUrl)}`,
    '# Each entry is pinned to its webhook by uuid: add names, then `rdhooks plan` should show no changes.',
    `# ${SCHEMA_LINE}`,
  ].join('\n');
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && SET_FIELDS.has(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
    },
    Scalar(_, node) {
      // yaml leaves DEL, C1 and bidi controls raw, even in quotes: such values go double-quoted, escaped below.
      if (typeof node.value === 'string' && hasUnsafe(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const items = (doc.get('webhooks', true) as { items: YAMLMap[] } | undefined)?.items ?? [];
  ordered.forEach((w, i) => {
    const item = items[i];
    // Status is server-set and not part of the manifest, but a suspended webhook deserves a reviewer's eye.
    if (item && w.status && w.status !== 'active') item.commentBefore = ` status: ${stripControl(w.status)} (RD stopped delivering to this URL)`;
  });
  // Only double-quoted scalars can hold these characters now, and there `\uXXXX` reads back as the same text.
  const body = escapeUnsafeJson(doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
  return `${header}\n${body}`;
}
