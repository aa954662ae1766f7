/**
 * Apply under faults, on random manifests and accounts: with the emulator failing 20% of webhook requests and
 * dropping 10% of committed writes' answers, re-running apply must converge within 5 runs, to exactly the
 * manifest, with no duplicate (event_type, url) and no unmanaged webhook lost.
 *
 * Reproduce a failure with the seed it prints: RDHOOKS_RANDOM_SEED=<seed> npm test -- test/apply/randomized
 * (RDHOOKS_RANDOM_CASE=<n> runs only that case).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { executePlan, succeeded } from '../../src/apply/execute.js';
import type { EmulatorHandle } from '../../src/emulator/server.js';
import type { WireWebhook } from '../../src/rdstation/wire.js';
import type { Manifest } from '../../src/manifest/types.js';
import { specOf } from '../../src/plan/diff.js';
import { planWebhooks } from '../../src/plan/plan.js';
import type { PlanResult } from '../../src/plan/types.js';
import type { WebhookApi } from '../../src/rdstation/api.js';
import { CONVERSION_EVENT, identityKey, RELATIONS, type RemoteWebhook, type WebhookSpec } from '../../src/shared/webhook.js';
import { aDesired, aManifest, anAbsent, aWebhook, uuidFor } from '../builders.js';
import { rdhooks } from '../helpers/cli.js';
import { emulatorWith, httpApiFor } from '../helpers/emulator.js';
import { seededRandom, type Random } from '../helpers/random.js';

const CASES = 100;
const MAX_RUNS = 5;
/** Of the cases, every CLI_EVERY-th also runs through the built binary (real backoff, so slower). */
const CLI_EVERY = 20;
const FAULTS = { failRate: 0.2, dropAfterCommit: 0.1 };

/** RDHOOKS_RANDOM_SEED (decimal or 0x hex), else a fixed default so CI is reproducible. */
function seedFromEnv(): number {
  const raw = process.env.RDHOOKS_RANDOM_SEED?.trim();
  if (!raw) return 0x5eed_2024;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`RDHOOKS_RANDOM_SEED must be a number, not ${JSON.stringify(raw)}`);
  return n >>> 0;
}

const SEED = seedFromEnv();
const ONLY = process.env.RDHOOKS_RANDOM_CASE?.trim() ? Number(process.env.RDHOOKS_RANDOM_CASE) : undefined;
const EVENTS = [CONVERSION_EVENT, 'WEBHOOK.MARKED_OPPORTUNITY', 'crm_deal_created'] as const;
const LEGACY = 'https://legacy.example.com/';

/** One generated case: the account to start from, the manifest to converge to, and how to apply it. */
interface Case {
  index: number;
  label: string;
  account: RemoteWebhook[];
  manifest: Manifest;
  concurrency: number;
  faultSeed: number;
}

function subset<T>(r: Random, items: readonly T[]): T[] {
  return items.filter(() => r.chance(0.5));
}

function randomSpec(r: Random, event_type: string, url: string): WebhookSpec {
  return {
    event_type,
    entity_type: 'CONTACT',
    url,
    http_method: 'POST',
    event_identifiers: event_type === CONVERSION_EVENT ? subset(r, ['ebook', 'newsletter', 'webinar']) : [],
    include_relations: subset(r, RELATIONS),
  };
}

type Fate = 'keep' | 'change' | 'move' | 'absent-uuid' | 'absent-key' | 'replace' | 'unmanaged';

/**
 * A random account and a manifest the planner accepts: entries that keep, change, move (pinned uuid, sometimes
 * onto a url another move or delete frees), delete (ensure: absent by uuid or by key) or recreate webhooks, new
 * webhooks, unmanaged ones, prune on or off, and an ignore rule covering legacy urls.
 */
function generate(index: number): Case {
  const caseSeed = (SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  const r = seededRandom(caseSeed);
  const base = `https://hooks.example.com/c${index}`;
  let fresh = 0;
  const freshKey = (): { event_type: string; url: string } => ({ event_type: r.pick(EVENTS), url: `${base}/n${fresh++}` });

  const account: RemoteWebhook[] = Array.from({ length: r.int(0, 9) }, (_, j) => {
    const event_type = r.pick(EVENTS);
    const url = r.chance(0.2) ? `${LEGACY}c${index}/${j}` : `${base}/a${j}`;
    return aWebhook({ uuid: uuidFor(`case ${caseSeed} webhook ${j}`), ...randomSpec(r, event_type, url) });
  });
  const prune = r.chance(0.4);
  const ignoreLegacy = r.chance(0.5);
  const manifest = aManifest({ prune, ignore: ignoreLegacy ? [{ url: `${LEGACY}*` }] : [] });
  let names = 0;
  const desired = (spec: WebhookSpec, uuid?: string): void => {
    manifest.webhooks.push(aDesired({ ...spec, name: `e${names++}`, ...(uuid ? { uuid } : {}) }));
  };

  // Keys a move or a create may take over: each one at most once, and only keys whose webhook is pinned away or
  // deleted by uuid (a key an absent entry names, or an unmanaged webhook holds, would be matched instead).
  const freed: { event_type: string; url: string }[] = [];
  const takeKey = (): { event_type: string; url: string } => (freed.length > 0 && r.chance(0.5) ? freed.splice(r.int(0, freed.length - 1), 1)[0]! : freshKey());

  for (const w of account) {
    // Legacy webhooks stay unmanaged: an entry on a url an ignore rule covers is a manifest error.
    const fate: Fate = w.url.startsWith(LEGACY) ? 'unmanaged' : r.pick(['keep', 'change', 'change', 'move', 'move', 'absent-uuid', 'absent-key', 'replace', 'unmanaged', 'unmanaged'] as const);
    const pin = r.chance(0.5) ? w.uuid : undefined;
    switch (fate) {
      case 'keep':
        desired(specOf(w), pin);
        break;
      case 'change':
        desired(randomSpec(r, w.event_type, w.url), pin);
        break;
      case 'move': {
        const to = takeKey();
        desired(randomSpec(r, to.event_type, to.url), w.uuid);
        freed.push({ event_type: w.event_type, url: w.url });
        break;
      }
      case 'absent-uuid':
        manifest.absent.push(anAbsent({ uuid: w.uuid }));
        freed.push({ event_type: w.event_type, url: w.url });
        break;
      case 'absent-key':
        manifest.absent.push(anAbsent({ event_type: w.event_type, url: w.url }));
        break;
      case 'replace':
        manifest.absent.push(anAbsent({ uuid: w.uuid }));
        desired(randomSpec(r, w.event_type, w.url));
        break;
      case 'unmanaged':
        break;
    }
  }
  for (let k = r.int(0, 4); k > 0; k--) {
    const to = takeKey();
    // Now and then a stale pin: the entry falls back to its (event_type, url), which nothing holds, so a create.
    desired(randomSpec(r, to.event_type, to.url), r.chance(0.15) ? uuidFor(`stale ${caseSeed} ${k}`) : undefined);
  }
  if (prune && manifest.webhooks.length === 0) manifest.safety.allow_empty = true;
  return { index, label: `seed=${SEED} case=${index}`, account, manifest, concurrency: r.int(1, 4), faultSeed: r.int(0, 2 ** 31) };
}

/** The manifest as YAML, for the cases that also run through the CLI. */
function manifestYaml(m: Manifest): string {
  const sets = (s: WebhookSpec) => ({
    ...(s.event_identifiers.length > 0 ? { event_identifiers: s.event_identifiers } : {}),
    ...(s.include_relations.length > 0 ? { include_relations: s.include_relations } : {}),
  });
  return stringify({
    version: 1,
    prune: m.prune,
    ...(m.safety.allow_empty ? { safety: { allow_empty: true } } : {}),
    webhooks: [
      ...m.webhooks.map((d) => ({ name: d.name, ...(d.uuid ? { uuid: d.uuid } : {}), event_type: d.event_type, url: d.url, ...sets(d) })),
      ...m.absent.map((a) => ({ ...(a.uuid ? { uuid: a.uuid } : { event_type: a.event_type, url: a.url }), ensure: 'absent' })),
    ],
    ...(m.ignore.length > 0 ? { ignore: m.ignore } : {}),
  });
}

let handle: EmulatorHandle;
let api: WebhookApi;
let faultRandom: Random = seededRandom(0);
const dirs: string[] = [];

beforeAll(async () => {
  handle = await emulatorWith([], { random: () => faultRandom.next() });
  api = httpApiFor(handle);
});
afterAll(async () => {
  await handle.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function reset(c: Case): Promise<void> {
  Object.assign(handle.faults, { failRate: 0, dropAfterCommit: 0 });
  await handle.store.clear();
  for (const w of c.account) handle.store.load(w as unknown as WireWebhook);
  handle.requests.length = 0;
  faultRandom = seededRandom(c.faultSeed);
}

const plan = (m: Manifest, remote: readonly RemoteWebhook[]): PlanResult => planWebhooks(m, remote, { apiUrl: handle.url, account: 'Acme Marketing' });

/** One `rdhooks apply --auto-approve`, in-process through the pieces the CLI uses: 0 when applied and verified, else 1. */
async function applyOnce(c: Case): Promise<{ code: 0 | 1; note: string }> {
  let remote: RemoteWebhook[];
  try {
    remote = await api.list();
  } catch (err) {
    return { code: 1, note: `list failed: ${(err as Error).message}` };
  }
  const result = plan(c.manifest, remote);
  if (!result.ok) throw new Error(`${c.label}: the planner rejected the account apply left behind: ${result.errors.map((e) => e.message).join('; ')}`);
  if (result.plan.changes.length === 0) return { code: 0, note: 'no changes' };
  const report = await executePlan(result.plan, api, { concurrency: c.concurrency });
  const notDone = report.actions.filter((a) => !succeeded(a.outcome));
  if (notDone.length > 0) return { code: 1, note: notDone.map((a) => `${a.action} ${a.address}: ${a.outcome} ${a.message ?? ''}`).join('; ') };
  try {
    const again = plan(c.manifest, await api.list());
    return again.ok && again.plan.changes.length === 0 ? { code: 0, note: 'verified' } : { code: 1, note: 'not verified' };
  } catch (err) {
    return { code: 1, note: `verification list failed: ${(err as Error).message}` };
  }
}

/** The account must equal the manifest plus the unmanaged webhooks the first plan listed, untouched. */
async function expectConverged(c: Case, unmanaged: RemoteWebhook[], history: string[]): Promise<void> {
  Object.assign(handle.faults, { failRate: 0, dropAfterCommit: 0 });
  const label = `${c.label} (runs: ${history.join(' | ')})`;
  const final = await api.list();
  const result = plan(c.manifest, final);
  expect({ label, errors: result.ok ? [] : result.errors.map((e) => e.message) }).toEqual({ label, errors: [] });
  expect({ label, changes: result.ok ? result.plan.changes.map((x) => `${x.action} ${x.address}`) : [] }).toEqual({ label, changes: [] });

  const keys = final.map(identityKey);
  expect({ label, duplicates: keys.filter((k, i) => keys.indexOf(k) !== i) }).toEqual({ label, duplicates: [] });

  const text = (s: WebhookSpec): string => JSON.stringify(specOf(s));
  const expected = [...c.manifest.webhooks.map(text), ...unmanaged.map(text)].sort();
  expect({ label, account: final.map(text).sort() }).toEqual({ label, account: expected });

  const byUuid = new Map(final.map((w) => [w.uuid, w]));
  const lost = unmanaged.filter((u) => !byUuid.has(u.uuid) || text(byUuid.get(u.uuid) as RemoteWebhook) !== text(u));
  expect({ label, lostUnmanaged: lost.map((u) => u.uuid) }).toEqual({ label, lostUnmanaged: [] });

  // A pinned entry keeps its webhook (moved or changed in place), never a recreated one.
  const listed = new Set(c.account.map((w) => w.uuid));
  const pinnedLost = c.manifest.webhooks.filter((d) => d.uuid && listed.has(d.uuid) && (!byUuid.has(d.uuid) || text(byUuid.get(d.uuid) as RemoteWebhook) !== text(d)));
  expect({ label, pinnedLost: pinnedLost.map((d) => d.address) }).toEqual({ label, pinnedLost: [] });
}

/** The first plan of a case, or undefined when the planner rejects the generated manifest. */
function firstPlan(c: Case) {
  const result = plan(c.manifest, c.account);
  return result.ok ? result.plan : undefined;
}

const cases = Array.from({ length: CASES }, (_, i) => generate(i)).filter((c) => ONLY === undefined || c.index === ONLY);

describe(`apply converges under faults (seed ${SEED}; reproduce with RDHOOKS_RANDOM_SEED=${SEED})`, () => {
  it('generates mostly manifests the planner accepts, with every kind of change', () => {
    const plans = cases.map(firstPlan);
    const accepted = plans.filter((p) => p !== undefined);
    expect({ seed: SEED, rejected: plans.length - accepted.length }).toEqual({ seed: SEED, rejected: 0 });
    if (ONLY !== undefined) return;
    const count = (f: (p: NonNullable<(typeof plans)[number]>) => boolean) => accepted.filter(f).length;
    expect(count((p) => p.changes.some((c) => c.action === 'create'))).toBeGreaterThan(30);
    expect(count((p) => p.changes.some((c) => c.action === 'delete'))).toBeGreaterThan(30);
    expect(count((p) => p.changes.some((c) => c.action === 'update' && c.before.url !== c.after.url))).toBeGreaterThan(20);
    expect(count((p) => p.changes.some((c) => c.action === 'update' && c.wave > 0))).toBeGreaterThan(3);
    expect(count((p) => p.unmanaged.length > 0)).toBeGreaterThan(20);
    expect(count((p) => p.unmanaged.some((u) => u.ignored))).toBeGreaterThan(3);
  });

  it(`applies ${cases.length} random cases in-process until exit 0 (at most ${MAX_RUNS} runs)`, async () => {
    for (const c of cases) {
      const first = firstPlan(c);
      if (!first) continue;
      await reset(c);
      const unmanaged = c.account.filter((w) => first.unmanaged.some((u) => u.uuid === w.uuid));
      Object.assign(handle.faults, FAULTS);
      const history: string[] = [];
      for (let run = 1; run <= MAX_RUNS; run++) {
        const { code, note } = await applyOnce(c);
        history.push(`${code} ${note}`);
        if (code === 0) break;
      }
      expect({ label: c.label, history, lastExit: history.at(-1)?.[0] }).toEqual({ label: c.label, history, lastExit: '0' });
      await expectConverged(c, unmanaged, history);
    }
  }, 120_000);

  it('converges through the built CLI too, on a few of the cases', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rdhooks-random-'));
    dirs.push(dir);
    for (const c of cases.filter((x) => x.index % CLI_EVERY === 0)) {
      const first = firstPlan(c);
      if (!first) continue;
      await reset(c);
      const unmanaged = c.account.filter((w) => first.unmanaged.some((u) => u.uuid === w.uuid));
      await writeFile(join(dir, 'webhooks.yaml'), manifestYaml(c.manifest));
      Object.assign(handle.faults, FAULTS);
      const history: string[] = [];
      const args = ['apply', '--api-url', handle.url, '--auto-approve', '--force', '--concurrency', String(c.concurrency), '--rate-limit', '60000', '--retries', '2'];
      for (let run = 1; run <= MAX_RUNS; run++) {
        const r = await rdhooks(args, { cwd: dir, env: { RDSTATION_ACCESS_TOKEN: handle.issueToken() }, timeoutMs: 30_000 });
        history.push(`${String(r.code)} ${r.stdout.trim().split('\n').at(-1) ?? ''} ${r.code === 0 ? '' : r.stderr.slice(-400)}`);
        if (r.code !== 1) break;
      }
      expect({ label: c.label, history, lastExit: history.at(-1)?.split(' ')[0] }).toEqual({ label: c.label, history, lastExit: '0' });
      await expectConverged(c, unmanaged, history);
    }
  }, 120_000);
});
