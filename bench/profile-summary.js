#!/usr/bin/env node
/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time by package (or dist module) and the top
 * functions by self time. Usage: node bench/profile-summary.js FILE.cpuprofile [--top N]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Where a frame's code lives: a node_modules package, a package bundled into dist/vendor/ (as `got (bundled)`),
 * rdhooks' own code (its sources, or dist/), node itself, or V8 (GC, program…). Frames of a script with a source
 * map beside it (the CLI's app script) are first put back where their source is (withSourceNames).
 */
export function ownerOf(url) {
  if (!url) return '(v8)';
  const vendor = /\/dist\/vendor\/([a-z0-9-]+)-[A-Z0-9]+\.js$/.exec(url);
  if (vendor) return `${vendor[1]} (bundled)`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  // The build's own shims (node's modules through process.getBuiltinModule, the vendor-script loaders) count as rdhooks.
  if (url.includes('/src/') || /^(builtin|vendor)-[a-z-]+:/.test(url)) return 'rdhooks';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return /\/dist\/(chunks|cli|lib)\//.test(url) ? 'rdhooks' : `rdhooks ${url.slice(dist + 1)}`;
  if (url.startsWith('node:')) return 'node (internal)';
  return url;
}

/**
 * `profile` with each frame of a bundled script that has a source map beside it (dist/cli/app-HASH.js.map,
 * dist/vendor/got-HASH.js.map: the build writes them, the package does not ship them) named as in its source: the
 * function's own name where minifying changed it, the source file as its url, the source line.
 */
export function withSourceNames(profile) {
  const maps = new Map();
  const mapOf = (url) => {
    if (!maps.has(url)) {
      const file = url.startsWith('file:') ? `${fileURLToPath(url)}.map` : '';
      maps.set(url, file && existsSync(file) ? { map: new SourceMap(JSON.parse(readFileSync(file, 'utf8'))), base: new URL('.', url) } : undefined);
    }
    return maps.get(url);
  };
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const found = frame.url && mapOf(frame.url);
    if (!found) continue;
    const entry = found.map.findEntry(frame.lineNumber, frame.columnNumber);
    if (!entry.originalSource) continue;
    node.callFrame = {
      ...frame,
      functionName: entry.name ?? frame.functionName,
      url: new URL(entry.originalSource, found.base).href,
      lineNumber: entry.originalLine,
      columnNumber: entry.originalColumn,
    };
  }
  return profile;
}

/** A frame's file as a function row names it: rdhooks' sources by their path (src/plan/plan.ts), others by owner. */
function placeOf(url) {
  const src = url.lastIndexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : ownerOf(url);
}

/** Self time (ms) per owner and per function, and the total, from a parsed .cpuprofile. */
export function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const owners = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    total += ms;
    const owner = ownerOf(url);
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'} ${url ? `${placeOf(url)}:${lineNumber + 1}` : ''}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + ms);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { total, owners: sorted(owners), functions: sorted(functions) };
}

/**
 * Inclusive time (ms) of the named functions: samples with the function anywhere on the stack. Idle and garbage
 * collection samples sit at the root in V8 profiles, so they belong to no function.
 */
export function inclusive(profile, names) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map(names.map((n) => [n, 0]));
  profile.samples.forEach((id, i) => {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur).callFrame.functionName;
      if (out.has(name) && !seen.has(name)) {
        seen.add(name);
        out.set(name, out.get(name) + (profile.timeDeltas[i] ?? 0) / 1000);
      }
    }
  });
  return out;
}

/** Markdown lines: the owners and the top functions by self time. */
export function formatSummary(s, top = 12) {
  const pct = (ms) => `${((100 * ms) / s.total).toFixed(0)}%`;
  const lines = [`Sampled ${s.total.toFixed(0)} ms.`, '', '| self time by code | ms | share |', '|---|---:|---:|'];
  for (const [owner, ms] of s.owners.slice(0, top)) lines.push(`| ${owner} | ${ms.toFixed(1)} | ${pct(ms)} |`);
  lines.push('', '| top functions by self time | ms |', '|---|---:|');
  for (const [fn, ms] of s.functions.slice(0, top)) lines.push(`| \`${fn.replace(/\|/g, '\\|')}\` | ${ms.toFixed(1)} |`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const topArg = process.argv.indexOf('--top');
  const top = topArg > 0 ? Number(process.argv[topArg + 1]) : 12;
  console.log(formatSummary(summarize(withSourceNames(JSON.parse(readFileSync(file, 'utf8')))), top));
}
