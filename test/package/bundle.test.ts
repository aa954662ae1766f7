/**
 * The shape of the build, checked on esbuild's own account of it (the metafile of the same build `npm run build`
 * writes): what `--version` and `validate` load, no top-level await on the way, and where files land.
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

let cli: Outputs;
let vendor: Outputs;
let lib: Outputs;
beforeAll(async () => {
  const { bundle } = (await import(pathToFileURL(join(ROOT, 'scripts/build.js')).href)) as {
    bundle(o: { write: boolean }): Promise<Record<'cli' | 'vendor' | 'lib', { metafile: { outputs: Outputs } }>>;
  };
  const built = await bundle({ write: false });
  [cli, vendor, lib] = [built.cli.metafile.outputs, built.vendor.metafile.outputs, built.lib.metafile.outputs];
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

const inputsOf = (outputs: Outputs, files: string[]): string[] => files.flatMap((f) => Object.keys(outputs[f]?.inputs ?? {}));
const entry = (outputs: Outputs, source: string): string => Object.keys(outputs).find((o) => outputs[o]?.entryPoint === source) ?? '';

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
    expect(inputs.filter((i) => i.startsWith('src/'))).toEqual(expect.arrayContaining(['src/cli/main.ts', 'src/shared/version.ts']));
    expect(inputs.filter((i) => i.startsWith('src/') && !['src/cli/main.ts', 'src/shared/version.ts'].includes(i))).toEqual([]);
    expect(inputs.filter((i) => i.includes('node_modules') || i.startsWith('vendor-script:'))).toEqual([]);
  });

  it('loads each command as its own chunk, only when it runs', () => {
    const run = entry(cli, 'src/cli/run.ts');
    const commands = cli[run]?.imports.filter((i) => i.kind === 'dynamic-import').map((i) => cli[i.path]?.entryPoint) ?? [];
    expect(commands).toEqual(expect.arrayContaining(['src/cli/commands/validate.ts', 'src/cli/commands/plan.ts', 'src/cli/commands/apply.ts']));
    expect(inputsOf(cli, closure(cli, run)).filter((i) => i.startsWith('src/cli/commands/'))).toEqual([]);
  });

  it('validates without loading got, the HTTP client, or ajv\'s compiler', () => {
    const loaded = inputsOf(cli, closure(cli, entry(cli, 'src/cli/commands/validate.ts'), true));
    expect(loaded).toContain('src/manifest/validator.ts');
    expect(loaded.filter((i) => /node_modules\/(got|http2-wrapper|ajv\/dist\/(core|compile))|src\/rdstation\/http\.ts/.test(i))).toEqual([]);
  });

  it('has no top-level await where validate starts: main, the command table, validate and the manifest loader', () => {
    const files = [
      ...closure(cli, 'dist/cli/main.js'),
      ...closure(cli, entry(cli, 'src/cli/run.ts')),
      ...closure(cli, entry(cli, 'src/cli/commands/validate.ts'), true),
    ];
    expect([...new Set(files)].flatMap((f) => topLevelAwaits(f).map((a) => `${f}: ${a}`))).toEqual([]);
  });

  it('takes yargs and yaml from the vendor scripts, which the code cache can hold', () => {
    expect(Object.values(cli).flatMap((o) => Object.keys(o.inputs)).filter((i) => /node_modules\/(yargs|yaml)\//.test(i))).toEqual([]);
    const scripts = Object.keys(vendor).filter((o) => o.endsWith('.js'));
    expect(scripts.map((o) => o.replace(/-[A-Z0-9]+\.js$/, ''))).toEqual(['dist/vendor/yargs', 'dist/vendor/yaml']);
  });

  it('puts every file two folders below the package root, where its relative asset paths (../../schemas) lead', () => {
    for (const o of [...Object.keys(cli), ...Object.keys(vendor), ...Object.keys(lib)]) expect(o).toMatch(/^dist\/[a-z]+\/[^/]+$/);
  });
});
