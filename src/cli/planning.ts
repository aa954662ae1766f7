/** The steps plan and apply share: load a valid manifest, list once, plan, and read or write saved plans. */
import type { Manifest } from '../manifest/types.js';
import type { Plan } from '../plan/types.js';
import type { RemoteWebhook } from '../shared/webhook.js';
import { UserError } from '../shared/errors.js';
import type { Connection } from './connection.js';
import { painter, useColor, type Io } from './io.js';
import { count } from '../shared/wording.js';

/** Loads and validates the manifest and keeps its text; prints warnings and errors to stderr, and throws when it has errors. */
export async function loadValidManifest(file: string, io: Io, color: boolean | undefined): Promise<{ manifest: Manifest; text: string }> {
  const [{ loadManifest }, { formatText }] = await Promise.all([import('../manifest/load.js'), import('../manifest/format.js')]);
  const result = await loadManifest(file, io.env, { cwd: io.cwd });
  const paint = painter(useColor(io.stderr, io.env, color));
  if (result.diagnostics.length > 0) {
    io.stderr.write(formatText(result.diagnostics, { ...(result.text !== undefined ? { source: result.text } : {}), paint }));
  }
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  if (!result.manifest || result.text === undefined || errors > 0) {
    throw new UserError(`${file} is not a valid manifest (${count(errors, 'error')} above); nothing was changed.`, 'Fix them and run again.');
  }
  return { manifest: result.manifest, text: result.text };
}

/** Lists the account (the one list call of a run) and says how many webhooks it has. */
export async function listAccount(connection: Connection, io: Io): Promise<RemoteWebhook[]> {
  const remote = await connection.api.list();
  io.stderr.write(`Listed ${count(remote.length, 'webhook')}.\n`);
  return remote;
}

/** Lists the account once and plans; plan errors are printed and become a UserError. */
export async function listAndPlan(
  manifest: Manifest,
  connection: Connection,
  io: Io,
  showSensitive: boolean,
): Promise<{ plan: Plan; remote: RemoteWebhook[] }> {
  const [{ planWebhooks }, { renderPlanErrors }] = await Promise.all([import('../plan/plan.js'), import('../render/errors.js')]);
  const remote = await listAccount(connection, io);
  const result = planWebhooks(manifest, remote, { apiUrl: connection.apiUrl });
  if (!result.ok) {
    io.stderr.write(renderPlanErrors(result.errors, { showSensitive }));
    const n = result.errors.length;
    throw new UserError(`No plan can be made: ${count(n, 'problem')} above. Nothing was changed.`);
  }
  return { plan: result.plan, remote };
}

/**
 * Writes the plan apply --plan will execute. It keeps target URLs whole (apply must send them as they are),
 * so the file is created readable by its owner only.
 */
export async function writeSavedPlan(file: string, plan: Plan, io: Io): Promise<void> {
  const [{ writeFile, rename, rm }, { resolve }, { renderJson }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('../render/json.js'),
  ]);
  const target = resolve(io.cwd, file);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, renderJson(plan, { showSensitive: true }), { mode: 0o600 });
    await rename(tmp, target);
  } catch (err) {
    // The temporary file holds whole URLs: never leave it behind.
    await rm(tmp, { force: true });
    throw new UserError(`cannot save the plan to ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`, 'Check that its directory exists and is writable.');
  }
  io.stderr.write(`Saved the plan to ${file}; apply it with: rdhooks apply --plan ${file}\n`);
}

/** Reads a plan saved by `plan --out`, refusing other format versions and anything the schema rejects. */
export async function readSavedPlan(file: string, io: Io): Promise<Plan> {
  const [{ readFile }, { resolve }, { validatePlanDocument }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('../plan/document.js'),
  ]);
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read the saved plan ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))}).`, 'Save one with: rdhooks plan --out FILE');
  }
  const problem = validatePlanDocument(text);
  if (typeof problem === 'string') {
    throw new UserError(`${file} is not a plan this rdhooks can apply: ${problem}.`, 'Make a new one with: rdhooks plan --out FILE');
  }
  if (problem.sensitive_values !== 'shown') {
    throw new UserError(
      `${file} has its URL credentials masked (***): it was printed for review, and applying it would write *** into the account.`,
      'Save the plan for apply with: rdhooks plan --out FILE',
    );
  }
  return problem;
}
