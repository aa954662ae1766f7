/**
 * Saved plans: written by `plan --out`, read back by `apply --plan`, and never trusted. apply re-plans from the
 * manifest the plan names against the account as it is now, and writes only when that fresh plan is exactly the
 * saved one; what the file says about safety, or anything else, is never believed.
 */
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { canonicalJson } from '../plan/fingerprint.js';
import { validatePlanDocument } from '../plan/document.js';
import type { Change, Plan } from '../plan/types.js';
import { renderJson } from '../render/json.js';
import { UserError } from '../shared/errors.js';
import { readRegularFile } from '../shared/files.js';
import { escapeControl } from '../shared/text.js';
import { maskUrl } from '../shared/url.js';
import { writeOutputFile } from '../shared/write-file.js';

/** Saved plans hold every change of an account; even 100,000 webhooks stay far below this. */
export const MAX_SAVED_PLAN_BYTES = 256 * 1024 * 1024;

/** A saved plan that cannot be applied: what is wrong with it, and that nothing was written. */
export class SavedPlanError extends UserError {
  override readonly name = 'SavedPlanError';
}

const REPLAN_HINT = 'Make a new plan, review it, and apply that: rdhooks plan --out FILE, then rdhooks apply --plan FILE.';

/**
 * Writes the plan `apply --plan` reads. It keeps target URLs whole (apply must send them as they are), so the
 * file is readable by its owner only.
 */
export async function writeSavedPlan(file: string, plan: Plan, cwd: string): Promise<void> {
  await writeOutputFile(resolve(cwd, file), renderJson(plan, { showSensitive: true }), { mode: 0o600, shownAs: file });
}

/** Reads a JSON plan (saved, or printed with --format json): a regular file of bounded size, valid against the plan schema. */
export async function readPlanFile(file: string, cwd: string): Promise<Plan> {
  const doc = validatePlanDocument(await readPlanText(file, cwd, 'the saved plan', 'Save one with: rdhooks plan --out FILE'));
  if (typeof doc === 'string') throw new SavedPlanError(`${escapeControl(file)} is not a plan this rdhooks can read: ${doc}.`, REPLAN_HINT);
  return doc;
}

/**
 * The text of a plan file (a single plan, or a workspace's): a regular file of bounded size. What cannot be read is a
 * SavedPlanError naming `what` it was to be, with `hint`.
 */
export async function readPlanText(file: string, cwd: string, what: string, hint: string): Promise<string> {
  try {
    return (await readRegularFile(resolve(cwd, file), MAX_SAVED_PLAN_BYTES)).toString('utf8');
  } catch (err) {
    throw new SavedPlanError(`cannot read ${what} ${escapeControl(file)}: ${describeReadError(err)}.`, hint);
  }
}

/** Reads a saved plan for apply: as readPlanFile, and with URLs whole (a printed plan has them masked). */
export async function readSavedPlan(file: string, cwd: string): Promise<Plan> {
  const doc = await readPlanFile(file, cwd);
  checkSavedPlanWhole(doc, file);
  return doc;
}

/** A plan to apply must have its URLs whole: one printed for review has them masked, and would write *** into the account. */
export function checkSavedPlanWhole(saved: Plan, file: string): void {
  if (saved.sensitive_values !== 'shown') {
    throw new SavedPlanError(
      `${escapeControl(file)} has its URL credentials masked (***): it was printed for review, and applying it would write *** into the account.`,
      'Save the plan for apply with: rdhooks plan --out FILE',
    );
  }
}

/**
 * The manifest path a saved plan was made from, relative to `cwd` as it was recorded; when the user also named a
 * manifest, it must be that same file.
 */
export async function savedPlanManifest(saved: Plan, file: string, cwd: string, given?: string): Promise<string> {
  const recorded = saved.manifest.path;
  const real = await realpath(resolve(cwd, recorded)).catch(() => undefined);
  if (real === undefined) {
    throw new SavedPlanError(
      `${escapeControl(file)} was made from ${escapeControl(recorded)}, which does not exist here; nothing was changed.`,
      `Run rdhooks apply --plan from the folder where the plan was made, with the manifest it was made from.`,
    );
  }
  if (given !== undefined && (await realpath(resolve(cwd, given)).catch(() => undefined)) !== real) {
    throw new SavedPlanError(
      `${escapeControl(file)} was made from ${escapeControl(recorded)}, not from ${escapeControl(given)}; nothing was changed.`,
      `Leave out the manifest argument (apply --plan uses the plan's own), or make a plan from ${escapeControl(given)}.`,
    );
  }
  return recorded;
}

/** A saved plan applies only where it was made: checked before any call to the API. */
export function checkSavedPlanTarget(saved: Plan, file: string, apiUrl: string): void {
  if (saved.remote.api_url !== apiUrl) {
    throw new SavedPlanError(`${escapeControl(file)} was made against ${saved.remote.api_url}, not ${apiUrl}; nothing was changed.`, REPLAN_HINT);
  }
}

/** The manifest file must hash as the plan says: checked on its bytes, before anything else is done. */
export async function checkSavedManifestFile(saved: Plan, file: string, cwd: string): Promise<void> {
  const bytes = await readRegularFile(resolve(cwd, saved.manifest.path), MAX_SAVED_PLAN_BYTES).catch(() => undefined);
  if (bytes !== undefined) checkSavedManifest(saved, file, createHash('sha256').update(bytes).digest('hex'));
}

/** The manifest must be byte for byte the one the plan was made from. */
export function checkSavedManifest(saved: Plan, file: string, sha256: string): void {
  if (sha256 !== saved.manifest.sha256) {
    throw new SavedPlanError(`${escapeControl(saved.manifest.path)} changed since ${escapeControl(file)} was made from it; nothing was changed.`, REPLAN_HINT);
  }
}

/**
 * Why the saved plan is not the plan made now from the same manifest and the live account, naming the first
 * difference; undefined when they agree on where they apply, every change (action, uuid, address, every field
 * sent, order), the safety verdict and the account's fingerprint.
 */
export function savedPlanDifference(saved: Plan, fresh: Plan): string | undefined {
  if (saved.remote.api_url !== fresh.remote.api_url) return `it was made against ${saved.remote.api_url}, not ${fresh.remote.api_url}`;
  if (saved.remote.account !== fresh.remote.account) {
    return `it was made on the RD Station account "${saved.remote.account}", and these credentials belong to "${fresh.remote.account}"`;
  }
  const n = Math.max(saved.changes.length, fresh.changes.length);
  for (let i = 0; i < n; i++) {
    const a = saved.changes[i];
    const b = fresh.changes[i];
    if (!a) return `a plan made now also has change ${i + 1}: ${describeChange(b as Change)}`;
    if (!b) return `change ${i + 1} of the saved plan (${describeChange(a)}) is not in a plan made now`;
    const why = changeDifference(a, b);
    if (why) return `change ${i + 1} differs: ${why}`;
  }
  if (canonicalJson(saved.unsafe ?? []) !== canonicalJson(fresh.unsafe ?? [])) {
    return fresh.unsafe?.length
      ? `a plan made now is unsafe (${fresh.unsafe.join(' ')}), which the saved plan does not say`
      : 'the saved plan says it is unsafe, and a plan made now is not';
  }
  if (saved.remote.fingerprint !== fresh.remote.fingerprint) return 'the account changed since it was made (its listing has a different fingerprint)';
  return undefined;
}

/** Refuses a saved plan that is not the plan made now; see savedPlanDifference. */
export function checkSavedPlan(saved: Plan, fresh: Plan, file: string): void {
  const why = savedPlanDifference(saved, fresh);
  if (why !== undefined) throw new SavedPlanError(`${escapeControl(file)} is not what a plan made now would do: ${why}. Nothing was changed.`, REPLAN_HINT);
}

function describeChange(c: Change): string {
  return `${c.action} ${maskUrl(c.address)}${'uuid' in c ? ` (${c.uuid})` : ''}`;
}

function changeDifference(a: Change, b: Change): string | undefined {
  if (a.action !== b.action) return `the saved plan would ${describeChange(a)}, a plan made now would ${describeChange(b)}`;
  if (a.address !== b.address) return `${a.action} of ${maskUrl(a.address)} in the saved plan, of ${maskUrl(b.address)} now`;
  if ('uuid' in a && 'uuid' in b && a.uuid !== b.uuid) return `${describeChange(a)} names uuid ${a.uuid}, a plan made now ${b.uuid}`;
  if (a.action === 'update' && b.action === 'update' && a.wave !== b.wave) return `${describeChange(a)} runs in wave ${a.wave}, a plan made now in wave ${b.wave}`;
  if ('after' in a && 'after' in b) {
    for (const key of Object.keys({ ...a.after, ...b.after }) as (keyof typeof a.after)[]) {
      const [x, y] = [canonicalJson(a.after[key]), canonicalJson(b.after[key])];
      if (x === y) continue;
      const [sx, sy] = key === 'url' ? [maskUrl(String(a.after[key])), maskUrl(String(b.after[key]))] : [x, y];
      return `${describeChange(a)} would send ${key} ${sx === sy ? '(in its sensitive part)' : `${key === 'url' ? JSON.stringify(sx) : sx}, a plan made now ${key === 'url' ? JSON.stringify(sy) : sy}`}`;
    }
  }
  return undefined;
}

function describeReadError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EFBIG':
      return `it is larger than ${MAX_SAVED_PLAN_BYTES / 1024 / 1024} MiB`;
    case 'ENOTREG':
      return `it ${e.message}`;
    default:
      return e.message ?? String(err);
  }
}
