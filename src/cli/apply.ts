/** The apply workflow: plan (or read a saved plan), confirm, execute with progress and Ctrl-C handling, verify. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { executePlan, type ActionReport, type ApplyReport } from '../apply/execute.js';
import { unfulfilledChanges } from '../apply/verify.js';
import { UserError } from '../shared/errors.js';
import type { Manifest } from '../manifest/types.js';
import { fingerprint } from '../plan/fingerprint.js';
import { planWebhooks } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import { renderMarkdown } from '../render/markdown.js';
import { actionLine, renderReportMarkdown, renderReportText, type Verification } from '../render/report.js';
import { openApi, type Connection } from './connection.js';
import { useColor, type Io } from './io.js';
import { renderPlan } from './output.js';
import { listAccount, listAndPlan, loadValidManifest, readSavedPlan } from './planning.js';
import { EXIT } from './run.js';
import { appendSummary } from './summary.js';

/** Where apply's plan comes from: planned now from a manifest, or saved earlier by `plan --out`. */
type PlanSource = { kind: 'manifest'; manifest: Manifest } | { kind: 'saved'; file: string; plan: Plan };

/** Runs `rdhooks apply` with parsed options; resolves to the exit code. */
export async function runApply(argv: Record<string, unknown>, io: Io): Promise<number> {
  const showSensitive = argv['show-sensitive'] === true;
  const color = argv.color as boolean | undefined;
  const concurrency = Number(argv.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UserError(`--concurrency must be a whole number of at least 1, not ${String(argv.concurrency)}.`);
  }
  // Read before connecting: a bad saved plan or manifest costs no API call.
  const source: PlanSource =
    typeof argv.plan === 'string'
      ? { kind: 'saved', file: argv.plan, plan: await readSavedPlan(argv.plan, io) }
      : { kind: 'manifest', manifest: (await loadValidManifest(String(argv.manifest), io, color)).manifest };

  const connection = await openApi(argv, io);
  try {
    const plan =
      source.kind === 'saved'
        ? await checkSavedPlan(source.plan, source.file, connection, io)
        : (await listAndPlan(source.manifest, connection, io, showSensitive)).plan;
    const manifest = source.kind === 'manifest' ? source.manifest : undefined;
    io.stdout.write(renderPlan(plan, argv.format === 'markdown' ? 'markdown' : 'text', { showSensitive, color: useColor(io.stdout, io.env, color) }));
    if (plan.changes.length === 0) return EXIT.ok;
    if (plan.unsafe && argv.force !== true) {
      throw new UserError('Refusing to apply an unsafe plan; nothing was changed.', 'Review the reasons above; pass --force to apply it anyway, or raise safety.max_deletes in the manifest.');
    }
    if (argv['auto-approve'] !== true) await confirm(io);

    const report = await executeWithSignals(plan, connection, io, concurrency, showSensitive);
    const verification: Verification = report.interrupted
      ? { verified: 'skipped', reason: 'the run was interrupted; run rdhooks plan to see what remains' }
      : await verify(plan, manifest, connection, io);
    io.stdout.write(renderReportText(report, verification, { showSensitive }));
    await appendSummary(argv, io, async () => `${renderMarkdown(plan, { showSensitive })}\n${renderReportMarkdown(report, verification, { showSensitive })}`);
    if (report.interrupted) return EXIT.interrupted;
    const failed = report.actions.some((a) => a.outcome === 'failed' || a.outcome === 'skipped');
    return failed || verification.verified !== true ? EXIT.error : EXIT.ok;
  } finally {
    await connection.close();
  }
}

/** A saved plan applies only to the account it was made from, unchanged since. */
async function checkSavedPlan(plan: Plan, file: string, connection: Connection, io: Io): Promise<Plan> {
  if (plan.remote.api_url !== connection.apiUrl) {
    throw new UserError(`${file} was made against ${plan.remote.api_url}, not ${connection.apiUrl}; nothing was changed.`, 'Make a new plan against this account: rdhooks plan --out FILE');
  }
  // The plan is what was reviewed; a manifest edited since means the reviewed plan is no longer what was meant.
  const manifestNow = await readFile(resolve(io.cwd, plan.manifest.path)).catch(() => undefined);
  if (manifestNow && createHash('sha256').update(manifestNow).digest('hex') !== plan.manifest.sha256) {
    throw new UserError(`${plan.manifest.path} changed since ${file} was made from it; nothing was changed.`, 'Run rdhooks plan --out FILE again, review it, and apply the new plan.');
  }
  const remote = await listAccount(connection, io);
  if (fingerprint(remote) !== plan.remote.fingerprint) {
    throw new UserError(`${file} is stale: the account changed since the plan was made; nothing was changed.`, 'Run rdhooks plan --out FILE again, review it, and apply the new plan.');
  }
  return plan;
}

/** Asks on the terminal; without one, refuses (CI must say --auto-approve). */
async function confirm(io: Io): Promise<void> {
  if (io.stdin.isTTY !== true) {
    throw new UserError('Refusing to apply without confirmation: there is no terminal to ask on; nothing was changed.', 'Review the plan above, then pass --auto-approve to apply it non-interactively.');
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  // question() never settles when input ends first (Ctrl-D): an end of input is a refusal.
  const ended = new Promise<undefined>((resolve) => rl.once('close', () => resolve(undefined)));
  try {
    const answer = await Promise.race([rl.question("\nApply these changes? Only 'yes' is accepted: "), ended]);
    if (answer?.trim() !== 'yes') throw new UserError('Apply cancelled; nothing was changed.');
  } finally {
    rl.close();
  }
}

/** Executes the plan; the first SIGINT/SIGTERM lets in-flight writes finish and starts no more, a second one exits at once. */
async function executeWithSignals(plan: Plan, connection: Connection, io: Io, concurrency: number, showSensitive: boolean): Promise<ApplyReport> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      io.stderr.write(`\nSecond ${signal}: exiting now. Writes in flight may or may not have happened; run rdhooks plan to see the account.\n`);
      process.exit(EXIT.interrupted);
    }
    io.stderr.write(`\n${signal}: finishing the writes in flight, starting no more (press Ctrl-C again to exit at once).\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const live = io.stderr.isTTY === true;
  let counted = false;
  const progress = (a: ActionReport, finished: number, total: number): void => {
    counted = true;
    if (live) io.stderr.write(`\r\x1b[K[${finished}/${total}] ${actionLine(a, { showSensitive })}`);
    else io.stderr.write(`[${finished}/${total}] ${actionLine(a, { showSensitive })}\n`);
  };
  try {
    return await executePlan(plan, connection.api, { concurrency, signal: controller.signal, onAction: progress });
  } finally {
    // The live counter rewrites one line; end it so what follows starts on its own.
    if (live && counted) io.stderr.write('\n');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Lists again: with a manifest, re-plans and expects no changes; with a saved plan, checks each change took effect. */
async function verify(plan: Plan, manifest: Manifest | undefined, connection: Connection, io: Io): Promise<Verification> {
  let remote;
  try {
    remote = await connection.api.list();
  } catch (err) {
    return { verified: 'skipped', reason: `listing the account again failed (${(err as Error).message}); run rdhooks plan to check it` };
  }
  io.stderr.write('Verifying: listed the account again.\n');
  let remaining = unfulfilledChanges(plan.changes, remote);
  if (manifest) {
    const replanned = planWebhooks(manifest, remote, { apiUrl: connection.apiUrl });
    if (!replanned.ok) return { verified: 'skipped', reason: `the account can no longer be planned (${replanned.errors[0]?.message ?? 'plan error'}); run rdhooks plan to see why` };
    // The re-plan finds what still differs; the plan's own writes are checked too, for duplicates it cannot see.
    const again = new Set(replanned.plan.changes.map((c) => c.address));
    remaining = [...replanned.plan.changes, ...remaining.filter((c) => !again.has(c.address))];
  }
  return remaining.length === 0 ? { verified: true, against: manifest ? 'manifest' : 'saved plan' } : { verified: false, remaining };
}
