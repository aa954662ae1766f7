/**
 * Workspace plans on disk: written by `plan --workspace --out`, read back by `apply --workspace --plan`, checked
 * against schemas/workspace-plan.schema.json (each account's plan against plan.schema.json). Reading one proves
 * only its shape: each account's plan is then checked as a single saved plan is, before anything is applied.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { readPlanText, SavedPlanError } from '../reconcile/saved-plan.js';
import { WORKSPACE_FORMAT_VERSION, renderWorkspaceJson, type AccountPlan, type WorkspacePlanDocument } from '../render/workspace.js';
import { parseJsonObject } from '../shared/json.js';
import { escapeControl } from '../shared/text.js';
import { writeOutputFile } from '../shared/write-file.js';

const SCHEMAS = new URL('../../schemas/', import.meta.url);

let validate: ValidateFunction | undefined;

/**
 * Writes the plans `apply --workspace --plan` reads: URLs whole (apply must send them as they are), so the file is
 * readable by its owner only.
 */
export async function writeWorkspacePlan(file: string, entries: readonly AccountPlan[], cwd: string): Promise<void> {
  await writeOutputFile(resolve(cwd, file), renderWorkspaceJson(entries, { showSensitive: true }), { mode: 0o600, shownAs: file });
}

/** Reads a workspace plan (saved, or printed with --format json): a regular file of bounded size, of the right shape. */
export async function readWorkspacePlan(file: string, cwd: string): Promise<WorkspacePlanDocument> {
  const name = escapeControl(file);
  const text = await readPlanText(file, cwd, 'the saved workspace plan', 'Save one with: rdhooks plan --workspace FILE --out PLAN');
  const doc = parseWorkspacePlan(text);
  if (typeof doc === 'string') {
    throw new SavedPlanError(
      `${name} is not a workspace plan this rdhooks can read: ${doc}.`,
      'Make a new plan, review it, and apply that: rdhooks plan --workspace FILE --out PLAN, then rdhooks apply --workspace FILE --plan PLAN.',
    );
  }
  return doc;
}

/** Whether the file holds a workspace plan (`"kind": "workspace"`); false when it cannot be read or parsed, which reading it says. */
export async function isWorkspacePlanFile(file: string, cwd: string): Promise<boolean> {
  const doc = await readPlanText(file, cwd, 'the plan', '').then(parseJsonObject, () => undefined);
  return typeof doc === 'object' && (doc as { kind?: unknown }).kind === 'workspace';
}

/** Parses and checks a workspace plan document; returns it, or a sentence saying what is wrong with it. */
export function parseWorkspacePlan(text: string): WorkspacePlanDocument | string {
  const doc = parseJsonObject(text);
  if (typeof doc === 'string') return doc;
  const { kind, format_version: version } = doc as { kind?: unknown; format_version?: unknown };
  if (kind === undefined && version !== undefined) return "it is a single account's plan (it has no \"kind\": \"workspace\"); apply it without --workspace";
  if (kind !== 'workspace') return `its kind is ${JSON.stringify(kind) ?? 'missing'}, not "workspace"`;
  if (version !== WORKSPACE_FORMAT_VERSION) {
    return `format_version is ${JSON.stringify(version) ?? 'missing'}, and this rdhooks reads format_version ${WORKSPACE_FORMAT_VERSION}`;
  }
  validate ??= compile();
  if (!validate(doc)) return describe(validate.errors ?? []);
  const names = (doc as WorkspacePlanDocument).accounts.map((a) => a.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) return `the account "${twice}" appears twice`;
  return doc as WorkspacePlanDocument;
}

function compile(): ValidateFunction {
  const read = (name: string): object => JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: false, strict: false });
  // The workspace schema refers to the plan schema by its file name, as tools reading the schemas folder do.
  ajv.addSchema(read('plan.schema.json'), 'plan.schema.json');
  return ajv.compile(read('workspace-plan.schema.json'));
}

/** The most telling error: not "must match a schema in anyOf", nor the null a plan may also be. */
function describe(errors: readonly ErrorObject[]): string {
  const e = errors.find((x) => x.keyword !== 'anyOf' && !(x.keyword === 'type' && (x.params as { type?: string }).type === 'null')) ?? errors[0];
  return `${e?.instancePath || '(top level)'} ${e?.message ?? 'does not match the workspace plan schema'}`;
}
