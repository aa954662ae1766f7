/** The layers import downhill only, and nothing imports in a cycle: checked over every source file. */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

/** What each layer may import besides itself (README, "Contributing"). */
const ALLOWED: Record<string, readonly string[]> = {
  shared: [],
  manifest: ['shared'],
  rdstation: ['shared'],
  targets: ['shared'],
  emulator: ['shared', 'rdstation'],
  plan: ['shared', 'manifest'],
  apply: ['shared', 'plan', 'rdstation'],
  render: ['shared', 'plan', 'apply', 'rdstation'],
  adopt: ['shared', 'manifest', 'plan'],
  workspace: ['shared', 'manifest', 'plan', 'render', 'reconcile'],
  reconcile: ['shared', 'manifest', 'plan', 'apply', 'render', 'adopt', 'rdstation', 'targets'],
  cli: ['shared', 'manifest', 'plan', 'apply', 'render', 'adopt', 'rdstation', 'targets', 'emulator', 'reconcile', 'workspace'],
  lib: ['shared', 'manifest', 'plan', 'apply', 'render', 'adopt', 'rdstation', 'targets', 'emulator', 'reconcile', 'workspace'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** Every relative import of a file (static, dynamic and type-only), as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)].map((m) => resolve(dirname(file), `${m[1] ?? ''}.ts`));
}

/** The layer of a source file: its folder under src, or `lib` for the library's entry points at the top. */
function layerOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? 'lib' : (rel[0] ?? '');
}

const files = sources(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('architecture', () => {
  it('has a known layer for every folder', () => {
    expect([...new Set(files.map(layerOf))].filter((l) => !(l in ALLOWED))).toEqual([]);
  });

  it('imports only downhill', () => {
    const wrong = files.flatMap((f) =>
      (graph.get(f) ?? [])
        .filter((to) => layerOf(to) !== layerOf(f) && !ALLOWED[layerOf(f)]?.includes(layerOf(to)))
        .map((to) => `${relative(SRC, f)} -> ${relative(SRC, to)}`),
    );
    expect(wrong).toEqual([]);
  });

  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const to of graph.get(f) ?? []) visit(to, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('keeps got in one file, and test doubles out of src', () => {
    const got = files.filter((f) => /from 'got'/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    expect(got).toHaveLength(1);
    expect(files.filter((f) => /MemoryWebhookApi/.test(readFileSync(f, 'utf8')))).toEqual([]);
  });
});
