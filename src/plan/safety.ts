/**
 * Safety, octoDNS-style: plans that delete too much, or redirect too many webhooks, need --force; an empty manifest
 * never prunes by accident.
 */
import type { Manifest } from '../manifest/types.js';
import type { PlanError } from './types.js';

/** The default limit applies once the account lists at least this many webhooks. */
export const DEFAULT_MIN_LISTED = 10;
/** By default, pruning (or redirecting) more than this share of the listed webhooks is unsafe. */
export const DEFAULT_MAX_SHARE = 0.3;

/**
 * Why the plan needs --force, or an empty list; renderers add the --force part. Only deletes caused by prune count:
 * an `ensure: absent` entry names its webhook on purpose, while a prune deletes whatever the manifest happens to
 * omit, which is how a truncated or wrong manifest wipes an account. Updates count when they change where leads go
 * (url or event_type): a wrong base URL redirects every lead at once.
 */
export function unsafeReasons(safety: Manifest['safety'], counts: { pruneDeletes: number; moves: number }, listed: number): string[] {
  return [
    ...overLimit(counts.pruneDeletes, safety.max_deletes, listed, {
      what: (n) => `prune would delete ${n} webhooks not in the manifest`,
      share: (n) => `prune would delete ${n} of the ${listed} listed webhooks`,
      key: 'safety.max_deletes',
      review: 'Review the deletes',
    }),
    ...overLimit(counts.moves, safety.max_updates, listed, {
      what: (n) => `${n} updates would redirect webhooks to another url or event type`,
      share: (n) => `${n} of the ${listed} listed webhooks would be redirected to another url or event type`,
      key: 'safety.max_updates',
      review: 'Review where their leads will go',
    }),
  ];
}

/** Past the manifest's limit, or, without one, past 30% of the listed webhooks once 10 or more are listed. */
function overLimit(
  n: number,
  limit: number | undefined,
  listed: number,
  words: { what: (n: number) => string; share: (n: number) => string; key: string; review: string },
): string[] {
  if (n === 0) return [];
  if (limit !== undefined) return n > limit ? [`${words.what(n)}, more than ${words.key} (${limit}). ${words.review}, or raise ${words.key}.`] : [];
  if (listed < DEFAULT_MIN_LISTED || n <= listed * DEFAULT_MAX_SHARE) return [];
  return [`${words.share(n)}, more than 30% (the default limit when the account lists 10 or more). ${words.review}, or set ${words.key} in the manifest.`];
}

/** `prune: true` with no present entry would delete every unignored webhook: refused unless allowed. */
export function emptyPruneError(manifest: Manifest): PlanError | undefined {
  if (!manifest.prune || manifest.webhooks.length > 0 || manifest.safety.allow_empty) return undefined;
  return {
    code: 'empty_prune',
    message:
      `${manifest.path} sets prune: true but lists no webhooks to keep, so the plan would delete every ` +
      'webhook in the account not covered by ignore.',
    hint: 'Add the webhooks to keep under `webhooks:`, or set `safety: {allow_empty: true}` if deleting them all is intended.',
    subjects: [{ address: manifest.path }],
  };
}
