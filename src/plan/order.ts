/** The deterministic order of a plan's changes. */
import type { Change } from './types.js';

/** Code-point order: unlike localeCompare, the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ACTION_RANK: Record<Change['action'], number> = { delete: 0, replace: 1, update: 2, create: 3 };

/**
 * Deletes, replaces, updates, creates, the order apply runs them in: deletes (and the delete half of a replace)
 * first free the keys that updates and creates move onto. Updates go by wave, so a sequential apply that follows the list is also correct; then every group
 * by address, and by uuid when two listed duplicates share an address.
 */
export function compareChanges(a: Change, b: Change): number {
  return (
    ACTION_RANK[a.action] - ACTION_RANK[b.action] ||
    (a.action === 'update' && b.action === 'update' ? a.wave - b.wave : 0) ||
    compareText(a.address, b.address) ||
    compareText('uuid' in a ? a.uuid : '', 'uuid' in b ? b.uuid : '')
  );
}
