/** Which targets to probe before planning, and probing them: a failing target is known before anything is written. */
import type { Manifest } from '../manifest/types.js';
import type { Plan } from '../plan/types.js';
import { describeProbeFailure } from '../targets/failures.js';
import { probeTargets } from '../targets/probe.js';

/** `changed`: the targets a plan would write; `all`: every target the manifest manages (a scheduled check). */
export type CheckTargets = 'changed' | 'all';

/** Probes URLs; resolves to why each failing one failed, by URL (the ones that answer 2xx are left out). */
export type TargetProbe = (urls: readonly string[], options: { allowPrivate: boolean }) => Promise<Map<string, string>>;

/** The URLs to probe for `mode`, each once. */
export function targetsToCheck(plan: Plan, manifest: Manifest, mode: CheckTargets): string[] {
  const written = plan.changes.flatMap((c) => (c.action === 'delete' ? [] : [c.after.url]));
  return [...new Set(mode === 'all' ? [...written, ...manifest.webhooks.map((w) => w.url)] : written)];
}

/** The real probe: a JSON POST each target must answer 2xx, as RD checks on create. */
export const probeForReal: TargetProbe = async (urls, options) => {
  const results = await probeTargets(urls, { allowPrivate: options.allowPrivate });
  return new Map([...results].flatMap(([url, r]) => (r.ok ? [] : [[url, describeProbeFailure(r)] as const])));
};

/** Probes `urls` (private addresses as the manifest allows) and returns the failures. */
export function failingTargets(urls: readonly string[], manifest: Manifest, probe: TargetProbe = probeForReal): Promise<Map<string, string>> {
  return probe(urls, { allowPrivate: manifest.targets.allow_private });
}
