/** Types of the manifest: as written by the user, and normalized for the planner. */
import type { WebhookSpec } from '../shared/webhook.js';

/** Where something is in a file: 1-based line and column. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One problem found in a manifest, positioned for editors and CI annotations. */
export interface Diagnostic extends SourcePosition {
  severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. `duplicate-url`. */
  code: string;
  message: string;
  /** Columns to underline in a code frame (on the same line); absent means one. Not part of the JSON output. */
  length?: number;
}

/** An entry of `webhooks:` as the user typed it (after interpolation, before defaults). */
export interface WrittenEntry {
  name?: string;
  uuid?: string;
  ensure?: 'present' | 'absent';
  event_type?: string;
  entity_type?: string;
  url?: string;
  http_method?: string;
  event_identifiers?: string[];
  include_relations?: string[];
  suspended?: SuspendedPolicy;
}

/** What a plan does with a managed webhook RD Station has suspended: warn and leave it, or delete and create it again. */
export type SuspendedPolicy = 'report' | 'recreate';

/** How target URLs are treated: probed before writing (`check`), and whether private addresses are allowed. */
export interface TargetsPolicy {
  check: boolean;
  allow_private: boolean;
}

/** The manifest as the user typed it. */
export interface WrittenManifest {
  version: number;
  account?: string;
  prune?: boolean;
  safety?: { max_deletes?: number; max_updates?: number; allow_empty?: boolean };
  suspended?: SuspendedPolicy;
  targets?: Partial<TargetsPolicy>;
  defaults?: Partial<Pick<WrittenEntry, 'entity_type' | 'http_method' | 'event_identifiers' | 'include_relations'>>;
  webhooks?: WrittenEntry[] | null;
  ignore?: IgnoreRule[];
}

/** A listed webhook rdhooks never touches: every given field must match; `url` may use `*` wildcards. */
export interface IgnoreRule {
  uuid?: string;
  event_type?: string;
  url?: string;
}

/** A webhook the manifest wants to exist, normalized. */
export interface DesiredWebhook extends WebhookSpec {
  /** How plans and errors name it: the entry's `name`, else `event_type url`. */
  address: string;
  name?: string;
  uuid?: string;
  /** The entry's `suspended`, else the manifest's. */
  suspended: SuspendedPolicy;
  source: SourcePosition;
}

/** An entry with `ensure: absent`: delete the webhook it identifies. */
export interface AbsentEntry {
  address: string;
  name?: string;
  uuid?: string;
  event_type?: string;
  url?: string;
  source: SourcePosition;
}

/** The manifest after interpolation, validation and normalization. */
export interface Manifest {
  path: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** The RD Station account name the manifest is for, trimmed: commands refuse credentials of another account. */
  account?: string;
  prune: boolean;
  /** Limits past which a plan needs --force: deletes, updates that change url or event_type, an empty manifest. */
  safety: { max_deletes?: number; max_updates?: number; allow_empty: boolean };
  /** The top-level `suspended` (default report); each DesiredWebhook holds its own, resolved. */
  suspended: SuspendedPolicy;
  targets: TargetsPolicy;
  webhooks: DesiredWebhook[];
  absent: AbsentEntry[];
  ignore: IgnoreRule[];
}

/** What loading a manifest yields: a manifest only when there are no errors, and every diagnostic found. */
export interface LoadResult {
  manifest?: Manifest;
  diagnostics: Diagnostic[];
  /** The file's text, for code frames. */
  text?: string;
}
