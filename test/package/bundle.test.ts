/**
 * The shape of the build, checked on esbuild's own account of it (the metafile of the same build `npm run build`
 * writes): what `--version` loads, what the app script holds, no top-level await on the way, and where files land.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { ROOT } from '../helpers/cli.js';

interface Output {
  imports: { path: string; kind: string; external?: boolean }[];
  inputs: Record<string, unknown>;
  entryPoint?: string;
}
type Outputs = Record<string, Output>;
/** The app's sources as esbuild read them, each with its imports. */
type Inputs = Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;

let cli: Outputs;
let app: Outputs;
let appInputs: Inputs;
let appText: string;
let vendor: Outputs;
let lib: Outputs;
beforeAll(async () => {
  type Built = { metafile: { outputs: Outputs; inputs: Inputs }; outputFiles?: { path: string; text: string }[] };
  const { bundle } = (await import(pathToFileURL(join(ROOT, 'scripts/build.js')).href)) as {
    bundle(o: { write: boolean }): Promise<Record<'cli' | 'app' | 'vendor' | 'lib', Built>>;
  };
  const built = await bundle({ write: false });
  [cli, app, vendor, lib] = [built.cli.metafile.outputs, built.app.metafile.outputs, built.vendor.metafile.outputs, built.lib.metafile.outputs];
  appInputs = built.app.metafile.inputs;
  appText = built.app.outputFiles?.find((f) => f.path.endsWith('.js'))?.text ?? '';
}, 120_000);

/** The outputs loaded with `from` (itself included): through static imports, and dynamic ones too when asked. */
function closure(outputs: Outputs, from: string, dynamic = false): string[] {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path) || !outputs[path]) return;
    seen.add(path);
    for (const i of outputs[path].imports) if (!i.external && (i.kind === 'import-statement' || (dynamic && i.kind === 'dynamic-import'))) visit(i.path);
  };
  visit(from);
  return [...seen];
}

/**
 * The app's modules a run of one command initializes, at most: the script runs the command table and what it
 * imports; esbuild initializes a module reached only through import() when that import() runs.
 */
function initialized(command: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string, dynamic: boolean): void => {
    if (seen.has(path) || !appInputs[path]) return;
    seen.add(path);
    for (const i of appInputs[path].imports) if (!i.external && (i.kind !== 'dynamic-import' || dynamic)) visit(i.path, dynamic);
  };
  visit('src/cli/run.ts', false);
  visit(command, true);
  return [...seen];
}

const inputsOf = (outputs: Outputs, files: string[]): string[] => files.flatMap((f) => Object.keys(outputs[f]?.inputs ?? {}));

/** Statements of a module that await at its top level (outside any function). */
function topLevelAwaits(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) found.push(node.getText().slice(0, 60));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the CLI bundle', () => {
  it('answers --version with main.js alone: neither the command table nor yargs is among its imports', () => {
    const inputs = inputsOf(cli, closure(cli, 'dist/cli/main.js'));
    const own = ['src/cli/main.ts', 'src/shared/version.ts', 'src/shared/script-cache.ts', 'src/cli/command-names.ts'];
    expect(inputs.filter((i) => i.startsWith('src/'))).toEqual(expect.arrayContaining(own));
    expect(inputs.filter((i) => i.startsWith('src/') && !own.includes(i))).toEqual([]);
    expect(inputs.filter((i) => i.includes('node_modules'))).toEqual([]);
    expect(Object.keys(cli).filter((o) => o.endsWith('.js'))).toEqual(['dist/cli/main.js']);
  });

  it('holds the command table, every command, yargs and yaml in one app script', () => {
    const scripts = Object.keys(app).filter((o) => o.endsWith('.js'));
    expect(scripts.map((o) => o.replace(/-[A-Z0-9]+\.js$/, ''))).toEqual(['dist/cli/app']);
    const inputs = inputsOf(app, scripts);
    expect(inputs).toEqual(expect.arrayContaining(['src/cli/run.ts', 'src/cli/commands/validate.ts', 'src/cli/commands/plan.ts', 'src/cli/commands/apply.ts']));
    expect(inputs.some((i) => i.includes('node_modules/yargs/'))).toBe(true);
    expect(inputs.some((i) => i.includes('node_modules/yaml/'))).toBe(true);
  });

  it('leaves no import() in the app script, which a vm.Script could not run', () => {
    expect(appText.length).toBeGreaterThan(0);
    expect(appText).not.toMatch(/\bimport\s*\(/);
  });

  it('keeps got, the HTTP client, in a script of its own', () => {
    expect(inputsOf(app, Object.keys(app)).filter((i) => /node_modules\/(got|http2-wrapper)\//.test(i))).toEqual([]);
    const scripts = Object.keys(vendor).filter((o) => o.endsWith('.js'));
    expect(scripts.map((o) => o.replace(/-[A-Z0-9]+\.js$/, ''))).toEqual(['dist/vendor/got']);
    expect(inputsOf(vendor, scripts).some((i) => i.includes('node_modules/got/'))).toBe(true);
  });

  it('validates without initializing got\'s script, the HTTP client or ajv\'s compiler', () => {
    const loaded = initialized('src/cli/commands/validate.ts');
    expect(loaded).toContain('src/manifest/validator.ts');
    expect(loaded.filter((i) => /^vendor-script:|node_modules\/ajv\/dist\/(core|compile)|src\/rdstation\/(http|transport)\.ts/.test(i))).toEqual([]);
    // The same walk finds them from a command that calls the API.
    expect(initialized('src/cli/commands/plan.ts')).toEqual(expect.arrayContaining(['vendor-script:got', 'src/rdstation/transport.ts']));
  });

  it('has no top-level await in main.js (the scripts are CommonJS, which cannot have one)', () => {
    expect(topLevelAwaits('dist/cli/main.js')).toEqual([]);
  });

  it('puts every file two folders below the package root, where its relative asset paths (../../schemas) lead', () => {
    for (const o of [...Object.keys(cli), ...Object.keys(app), ...Object.keys(vendor), ...Object.keys(lib)]) expect(o).toMatch(/^dist\/[a-z]+\/[^/]+$/);
  });
});
