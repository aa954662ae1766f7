#!/usr/bin/env node
/**
 * `npm run build`: dist/ as it ships. esbuild bundles three entries, minified, with their dependencies:
 * dist/cli/main.js (the CLI; each command, yargs and got are chunks loaded when needed, ESM code splitting),
 * dist/lib/index.js and dist/lib/emulator.js (the library); chunks go to dist/chunks/. tsc writes the type
 * declarations beside them (dist/<layer>/*.d.ts). Every output file sits two folders below the package root, so
 * a module that finds an asset relative to itself (`new URL('../../package.json', import.meta.url)`) finds it
 * from whichever file the bundler put it in.
 *
 * Three changes to what is bundled, each for start-up time (BENCHMARKS.md, "Start-up"):
 * - src/manifest/validator.ts becomes the manifest validator precompiled by ajv (standalone code), so neither
 *   ajv's compiler nor the compile runs at start-up;
 * - every copy of string-width (yargs, cliui, wrap-ansi) is initialized on its first call rather than at import:
 *   it builds an Intl.Segmenter and Unicode-property regexes, and only help text measures widths;
 * - yargs renders the help of the command it runs (cacheHelpMessage) only if that help is asked for: rdhooks never
 *   shows it after a command has started, so the build drops the eager render (bench/upstream/ has the report).
 * yargs' messages stay translated: its locale files are copied to dist/locales/ and its y18n reads them there.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const require = createRequire(import.meta.url);

/** The entries and where they land (package.json "bin" and "exports"). */
export const ENTRIES = { 'cli/main': 'src/cli/main.ts', 'lib/index': 'src/lib/index.ts', 'lib/emulator': 'src/lib/emulator.ts' };

/**
 * esbuild's options for dist/: the CLI, and the library, built apart so that neither entry's chunks are cut to fit
 * the other's. With `metafile`, a test can check what each entry loads (test/package/bundle.test.ts).
 */
export async function bundleOptions() {
  const common = {
    absWorkingDir: ROOT,
    outdir: 'dist',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Whitespace and syntax only: identifiers keep their names, so profiles (bench/profile-summary.js) and stack
    // traces still say which function ran, without keepNames' cost of naming every function at start-up.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
    // yaml's ES module build (its "browser" one: no CommonJS wrappers, so it is scope-hoisted and tree-shaken),
    // made to behave as its node build does by yamlPatches().
    alias: { yaml: join(dirname(require.resolve('yaml/package.json')), 'browser/index.js') },
    plugins: [builtinRequire(), precompiledValidator(await validatorCode()), lazyStringWidth(), yargsPatches(), yamlPatches()],
  };
  const entries = (names) => names.map((out) => ({ in: ENTRIES[out], out }));
  return [
    { ...common, entryPoints: entries(['cli/main']) },
    { ...common, entryPoints: entries(['lib/index', 'lib/emulator']) },
  ];
}

/**
 * `require('events')` in a bundled CommonJS package (yaml, got's http2-wrapper…) as the module itself, through
 * process.getBuiltinModule: an ESM bundle has no `require`, and giving every chunk one (createRequire) costs each
 * chunk's start.
 */
function builtinRequire() {
  return {
    name: 'builtin-require',
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) =>
        args.kind === 'require-call' && isBuiltin(args.path) ? { path: args.path.replace(/^node:/, ''), namespace: 'builtin-require' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
        contents: `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});`,
        loader: 'js',
      }));
    },
  };
}

/** ajv's standalone code of the manifest schema, compiled with the options src/manifest/schema-options.ts holds. */
async function validatorCode() {
  const tmp = mkdtempSync(join(tmpdir(), 'rdhooks-build-'));
  try {
    // schema-options.ts is TypeScript: bundle it alone to a file node can import.
    const file = join(tmp, 'schema-options.mjs');
    await esbuild.build({ entryPoints: [join(ROOT, 'src/manifest/schema-options.ts')], bundle: true, format: 'esm', platform: 'node', outfile: file, logLevel: 'warning' });
    const { AJV_OPTIONS } = await import(pathToFileURL(file).href);
    const { Ajv } = require('ajv');
    const standaloneCode = require('ajv/dist/standalone').default;
    const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/webhooks.schema.json'), 'utf8'));
    return standaloneCode(ajv, ajv.compile(schema)).replace(/^"use strict";/, '');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Replaces src/manifest/validator.ts with the precompiled validator, same export. */
function precompiledValidator(code) {
  return {
    name: 'precompiled-validator',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]manifest[\\/]validator\.ts$/ }, () => ({
        contents: `${code}\n/** The validator of schemas/webhooks.schema.json, precompiled by the build. */\nexport function manifestValidator() { return validate; }\n`,
        loader: 'js',
        // ajv's standalone code requires its runtime helpers (ucs2length…): resolved from here, and bundled.
        resolveDir: ROOT,
      }));
    },
  };
}

/**
 * `import stringWidth from 'string-width'` (each importer keeps its own version) becomes a function that loads the
 * real module on its first call: a module required rather than imported is evaluated lazily in an esbuild bundle.
 */
function lazyStringWidth() {
  return {
    name: 'lazy-string-width',
    setup(build) {
      build.onResolve({ filter: /^string-width$/ }, async (args) => {
        if (args.pluginData?.real) return undefined;
        const real = await build.resolve('string-width', { kind: args.kind, resolveDir: args.resolveDir, pluginData: { real: true } });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: real.path, namespace: 'lazy-string-width' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
        contents: `export default function stringWidth(text, options) { return require(${JSON.stringify(args.path)}).default(text, options); }\n`,
        loader: 'js',
        resolveDir: dirname(args.path),
      }));
    },
  };
}

/** Text replaced in a bundled file; the build fails when the text is not found once, so an upgrade cannot slip by. */
function patch(file, text, from, to) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`build: expected exactly one "${from}" in ${file}; has the package changed?`);
  return text.replace(from, to);
}

/** yargs' eager help render, and where its locales are read from (see the top of this file). */
function yargsPatches() {
  return {
    name: 'yargs-patches',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/ }, (args) => ({
        contents: patch(args.path, readFileSync(args.path, 'utf8'), 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();', ''),
        loader: 'js',
      }));
      build.onLoad({ filter: /[\\/]node_modules[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => ({
        contents: patch(args.path, readFileSync(args.path, 'utf8'), "resolve(__dirname, '../../../locales')", "fileURLToPath(new URL('../locales', import.meta.url))"),
        loader: 'js',
      }));
    },
  };
}

/**
 * What yaml's node build does and its ES module build does not: warnings through process.emitWarning, and the
 * LOG_TOKENS / LOG_STREAM debug output. The node build reads those two variables from the environment for every
 * token and every document (a call into the environment each time, about a quarter of parsing a large manifest);
 * here they are read once, at import.
 */
function yamlPatches() {
  const edits = {
    'log.js': [['        console.warn(warning);', "        if (typeof process.emitWarning === 'function') process.emitWarning(warning);\n        else console.warn(warning);"]],
    'parse/parser.js': [
      ["import { tokenType } from './cst.js';", "import { prettyToken, tokenType } from './cst.js';\nconst LOG_TOKENS = process.env.LOG_TOKENS;"],
      ['        this.source = source;\n', "        this.source = source;\n        if (LOG_TOKENS)\n            console.log('|', prettyToken(source));\n"],
    ],
    'compose/composer.js': [
      ['class Composer {', 'const LOG_STREAM = process.env.LOG_STREAM;\nclass Composer {'],
      ['    *next(token) {\n', '    *next(token) {\n        if (LOG_STREAM)\n            console.dir(token, { depth: null });\n'],
    ],
  };
  return {
    name: 'yaml-patches',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]browser[\\/]dist[\\/].*\.js$/ }, (args) => {
        const relative = args.path.split(/[\\/]browser[\\/]dist[\\/]/).pop().replace(/\\/g, '/');
        if (!edits[relative]) return undefined;
        const text = edits[relative].reduce((t, [from, to]) => patch(args.path, t, from, to), readFileSync(args.path, 'utf8'));
        return { contents: text, loader: 'js' };
      });
    },
  };
}

async function main() {
  rmSync(DIST, { recursive: true, force: true });
  // Declarations (tsc) and the bundle (esbuild) are independent: tsc runs as a child while esbuild works.
  const declarations = new Promise((resolve, reject) => {
    const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { cwd: ROOT, stdio: 'inherit' });
    tsc.on('error', reject);
    tsc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`build: tsc exited ${code}`))));
  });
  for (const options of await bundleOptions()) await esbuild.build(options);
  cpSync(join(dirname(require.resolve('yargs/package.json')), 'locales'), join(DIST, 'locales'), { recursive: true });
  await declarations;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
