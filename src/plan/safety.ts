/** Safety, octoDNS-style: plans that delete too much need --force; an empty manifest never prunes by accident. */
import type { Manifest } from '../manifest/types.js';
import type { PlanError } from './types.js';

/** The default limit applies once the account lists at least this many webhooks. */
export const DEFAULT_MIN_LISTED = 10;
/** By default, pruning more than this share of the listed webhooks is unsafe. */
export const DEFAULT_MAX_DELETE_SHARE = 0.3;

/**
 * Why the plan needs --force, or an empty list; renderers add the --force part. Only deletes caused by prune count: an `ensure: absent` entry
 * names its webhook on purpose, while a prune deletes whatever the manifest happens to omit, which is how a
 * truncated or wrong manifest wipes an account.
 */
export function unsafeReasons(safety: Manifest['safety'], pruneDeletes: number, listed: number): string[] {
  if (pruneDeletes === 0) return [];
  if (safety.max_deletes !== undefined) {
    return pruneDeletes > safety.max_deletes
      ? [
          `prune would delete ${pruneDeletes} webhooks not in the manifest, more than safety.max_deletes ` +
            `(${safety.max_deletes}). Review the deletes, or raise safety.max_deletes.`,
        ]
      : [];
  }
  if (listed < DEFAULT_MIN_LISTED || pruneDeletes <= listed * DEFAULT_MAX_DELETE_SHARE) return [];
  return [
    `prune would delete ${pruneDeletes} of the ${listed} listed webhooks, more than 30% (the default limit ` +
      'when the account lists 10 or more). Review the deletes, or set safety.max_deletes in the manifest.',
  ];
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
