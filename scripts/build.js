#!/usr/bin/env node
/**
 * `npm run build`: dist/ as it ships. esbuild bundles, minified, with their dependencies:
 * - the CLI, for start-up time (BENCHMARKS.md, "How rdhooks starts"): dist/cli/app-HASH.js, src/cli/run.ts and
 *   everything it reaches (every command, yargs, yaml) as ONE classic script, which src/shared/script-cache.ts
 *   compiles with V8's code cache (node 20 caches no ES module); dist/vendor/got-HASH.js, got as a script of its
 *   own, loaded when the HTTP client is first imported, so commands that never call the API neither compile nor
 *   run it; and dist/cli/main.js, a small ES module that answers `--version` and otherwise loads the app script.
 *   The build fails if the app script keeps an `import(`, which a vm.Script cannot run;
 * - the library, dist/lib/index.js and dist/lib/emulator.js: ES modules, with the chunks they share in dist/chunks/.
 * tsc writes the type declarations beside them (dist/<layer>/*.d.ts). Every output file sits two folders below the
 * package root, so a module that finds an asset relative to itself (`new URL('../../package.json',
 * import.meta.url)`) finds it from whichever file the bundler put it in.
 *
 * Changes to what is bundled, each for start-up time (BENCHMARKS.md, "How rdhooks starts", lists them all):
 * - src/manifest/validator.ts and src/workspace/validator.ts become their validators precompiled by ajv
 *   (standalone code), so neither ajv's compiler nor the compile runs at start-up;
 * - every copy of string-width (yargs, cliui, wrap-ansi) is initialized on its first call rather than at import:
 *   it builds an Intl.Segmenter and Unicode-property regexes, and only help text measures widths;
 * - yargs renders the help of the command it runs (cacheHelpMessage) only if that help is asked for: rdhooks never
 *   shows it after a command has started, so the build drops the eager render (bench/upstream/ has the report).
 * yargs' messages stay translated: its locale files are copied to dist/locales/ and its y18n reads them there.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const require = createRequire(import.meta.url);
/** The module that loads a script through the code cache, and the one naming the command a run serves (its cache). */
const SCRIPT_CACHE_MODULE = join(ROOT, 'src/shared/script-cache.ts');
const COMMAND_NAMES_MODULE = join(ROOT, 'src/cli/command-names.ts');

/** The entries and where they land (package.json "bin" and "exports"). */
export const ENTRIES = { 'cli/main': 'src/cli/main.ts', 'cli/app': 'src/cli/run.ts', 'lib/index': 'src/lib/index.ts', 'lib/emulator': 'src/lib/emulator.ts' };

/** What every part of dist/ is built with. */
async function commonOptions() {
  return {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // Whitespace and syntax only: identifiers keep their names, so profiles (bench/profile-summary.js) and stack
    // traces still say which function ran, without keepNames' cost of naming every function at start-up. The
    // CLI's classic scripts minify identifiers too (classicScript()).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
    define: { RDHOOKS_VERSION: JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version) },
    // yaml's ES module build (its "browser" one: no CommonJS wrappers, so it is scope-hoisted and tree-shaken),
    // made to behave as its node build does by yamlPatches().
    alias: { yaml: YAML_ESM },
    plugins: [builtins(), precompiledValidators(await validatorCodes()), lazyStringWidth(), yargsPatches(), yamlPatches(), http2WrapperPatches()],
  };
}

const YAML_ESM = join(dirname(require.resolve('yaml/package.json')), 'browser/index.js');

/**
 * What makes a build a classic script: CommonJS in a function of (module, exports, the file's URL), which
 * src/shared/script-cache.ts compiles with V8's code cache (node 20 caches no ES module). Identifiers are minified
 * too: less source to read on every start (V8 needs it beside the cache).
 */
function classicScript(common, name) {
  return {
    ...common,
    entryNames: `${name}-[hash]`,
    format: 'cjs',
    minifyIdentifiers: true,
    // Beside it, not linked from it and not packed: bench/profile-summary.js reads it to name what a profile saw.
    sourcemap: 'external',
    define: { ...common.define, 'import.meta.url': '__scriptUrl' },
    banner: { js: '(function (module, exports, __scriptUrl) {' },
    footer: { js: '})' },
  };
}

/**
 * Builds dist/ (with `write: false`, only computes it) and resolves to esbuild's results: got's script, the CLI's
 * app script (its code and everything it reaches but got), the CLI's entry (main.js) and the library, each with
 * its metafile (what each output holds and imports: test/package/bundle.test.ts reads it).
 */
export async function bundle({ write = true } = {}) {
  const common = await commonOptions();
  // got is a script of its own, loaded when the HTTP client is first imported: commands that never call the API
  // neither compile nor run it, and its cache is written by those that do.
  const vendor = await esbuild.build({ ...classicScript(common, '[name]'), entryPoints: [{ in: require.resolve('got'), out: 'got' }], outdir: 'dist/vendor', write });
  const app = await esbuild.build({
    ...classicScript(common, 'app'),
    entryPoints: [ENTRIES['cli/app']],
    outdir: 'dist/cli',
    plugins: [vendorScripts(vendor), ...common.plugins],
    // Checked before anything is written.
    write: false,
  });
  const appFile = app.outputFiles.find((f) => f.path.endsWith('.js'));
  noDynamicImport(appFile);
  if (write) for (const f of app.outputFiles) writeFile(f);
  const entries = (names) => names.map((out) => ({ in: ENTRIES[out], out }));
  const cli = await esbuild.build({ ...common, entryPoints: entries(['cli/main']), outdir: 'dist', format: 'esm', plugins: [appScript(basename(appFile.path)), ...common.plugins], write });
  // The library loads yargs, yaml and got as modules: a library's host process is no place to write caches.
  const lib = await esbuild.build({ ...common, entryPoints: entries(['lib/index', 'lib/emulator']), outdir: 'dist', chunkNames: 'chunks/[name]-[hash]', splitting: true, format: 'esm', write });
  return { vendor, app, cli, lib };
}

/** Writes one of esbuild's output files (a build made with `write: false`). */
function writeFile(file) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.contents);
}

/**
 * Fails the build when the app script still has an `import(`: a vm.Script has no dynamic-import callback, so it
 * would throw at run time. esbuild turns an import() of bundled code into a lazy initialization; one left means
 * something was not bundled.
 */
function noDynamicImport(file) {
  const at = file.text.search(/\bimport\s*\(/);
  if (at >= 0) throw new Error(`build: ${basename(file.path)} has a dynamic import, which a classic script cannot run: …${file.text.slice(Math.max(0, at - 80), at + 80)}…`);
}

/**
 * The lines of a module that loads the script at `url` (relative to the module) through the code cache, keyed by
 * the JavaScript expression `key`, as `m`.
 */
function scriptLoader(url, key) {
  return [
    `import { codeCacheDir, loadScript } from ${JSON.stringify(SCRIPT_CACHE_MODULE)};`,
    `const m = loadScript(new URL(${JSON.stringify(url)}, import.meta.url), codeCacheDir(), ${key});`,
  ];
}

/** main.ts's `import('./run.js')`: the app script, with a code cache per command, whose exports are run.ts's. */
function appScript(file) {
  return {
    name: 'app-script',
    setup(build) {
      build.onResolve({ filter: /^\.\/run\.js$/ }, (args) => (args.importer.endsWith(join('src', 'cli', 'main.ts')) ? { path: 'run', namespace: 'app-script' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'app-script' }, () => ({
        contents: [
          `import { commandOf } from ${JSON.stringify(COMMAND_NAMES_MODULE)};`,
          ...scriptLoader(`./${file}`, 'commandOf(process.argv.slice(2))'),
          'export const { EXIT, runCli } = m;',
        ].join('\n'),
        loader: 'js',
        resolveDir: ROOT,
      }));
    },
  };
}

/**
 * `import … from 'got'` in the app script: a module that loads dist/vendor/got-HASH.js through the code cache and
 * exports what it exports. The names are read from the built script itself.
 */
function vendorScripts(vendor) {
  const outputs = Object.entries(vendor.metafile.outputs).filter(([, o]) => o.entryPoint);
  const byName = new Map(
    outputs.map(([out]) => {
      const file = join(ROOT, out);
      const text = vendor.outputFiles?.find((f) => f.path === file)?.text ?? readFileSync(file, 'utf8');
      const module = { exports: {} };
      new Script(text, { filename: file }).runInThisContext()(module, module.exports, pathToFileURL(file).href);
      const name = basename(out).replace(/-[A-Z0-9]+\.js$/, '');
      return [name, { file: basename(out), names: Object.keys(module.exports).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)) }];
    }),
  );
  return {
    name: 'vendor-scripts',
    setup(build) {
      build.onResolve({ filter: /^got$/ }, (args) => ({ path: args.path, namespace: 'vendor-script' }));
      build.onLoad({ filter: /.*/, namespace: 'vendor-script' }, (args) => {
        const { file, names } = byName.get(args.path);
        const lines = [
          // One cache for every command that calls the API: they run much the same part of got.
          ...scriptLoader(`../vendor/${file}`, "'api'"),
          ...names.map((n) => (n === 'default' ? 'export default m.default;' : `export const ${n} = m.${n};`)),
        ];
        return { contents: lines.join('\n'), loader: 'js', resolveDir: ROOT };
      });
    },
  };
}

/**
 * Node's own modules through process.getBuiltinModule. An ESM bundle has no `require` for the CommonJS packages in
 * it (yaml's, got's http2-wrapper…), and giving every chunk one (createRequire) costs each chunk's start. And an
 * `import { readFileSync } from 'node:fs'` makes node build the module's whole namespace, running every lazy
 * getter (node:fs loads its streams, node:crypto its webcrypto): here each import reads only the names it uses.
 */
function builtins() {
  const identifier = /^[A-Za-z_$][\w$]*$/;
  return {
    name: 'builtins',
    setup(build) {
      // A classic script has no import(): there, `await import('node:fs')` takes the module as a require would.
      const required = build.initialOptions.format === 'cjs' ? ['require-call', 'dynamic-import'] : ['require-call'];
      build.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
        if (!isBuiltin(args.path) || (!required.includes(args.kind) && args.kind !== 'import-statement')) return undefined;
        const path = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
        return { path, namespace: required.includes(args.kind) ? 'builtin-require' : 'builtin-import', sideEffects: false };
      });
      build.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
        contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: 'builtin-import' }, (args) => {
        const names = Object.keys(require(args.path)).filter((n) => identifier.test(n) && n !== 'default');
        // A pure call per name: the bundler drops the names nothing imports, and with them their getters.
        const lines = [
          `const __builtin = process.getBuiltinModule(${JSON.stringify(args.path)});`,
          'const __get = (name) => __builtin[name];',
          'export default __builtin;',
          ...names.map((n) => `export const ${n} = /* @__PURE__ */ __get(${JSON.stringify(n)});`),
        ];
        return { contents: lines.join('\n'), loader: 'js' };
      });
    },
  };
}

/** The validators the build precompiles: the module each replaces, its schema, and the function it exports. */
const VALIDATORS = [
  { module: /[\\/]src[\\/]manifest[\\/]validator\.ts$/, schema: 'schemas/webhooks.schema.json', name: 'manifestValidator' },
  { module: /[\\/]src[\\/]workspace[\\/]validator\.ts$/, schema: 'schemas/workspace.schema.json', name: 'workspaceValidator' },
];

/** Each validator's ajv standalone code, compiled with the options the sources use. */
async function validatorCodes() {
  const tmp = mkdtempSync(join(tmpdir(), 'rdhooks-build-'));
  try {
    // schema-options.ts is TypeScript: bundle it alone to a file node can import.
    const file = join(tmp, 'schema-options.mjs');
    await esbuild.build({ entryPoints: [join(ROOT, 'src/manifest/schema-options.ts')], bundle: true, format: 'esm', platform: 'node', outfile: file, logLevel: 'warning' });
    const { AJV_OPTIONS } = await import(pathToFileURL(file).href);
    const { Ajv } = require('ajv');
    const standaloneCode = require('ajv/dist/standalone').default;
    return VALIDATORS.map((v) => {
      const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
      const schema = JSON.parse(readFileSync(join(ROOT, v.schema), 'utf8'));
      return { ...v, code: standaloneCode(ajv, ajv.compile(schema)).replace(/^"use strict";/, '') };
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Replaces each validator module with its precompiled validator, same export. */
function precompiledValidators(validators) {
  return {
    name: 'precompiled-validators',
    setup(build) {
      for (const v of validators) {
        build.onLoad({ filter: v.module }, () => ({
          contents: `${v.code}\n/** The validator of ${v.schema}, precompiled by the build. */\nexport function ${v.name}() { return validate; }\n`,
          loader: 'js',
          // ajv's standalone code requires its runtime helpers (ucs2length…): resolved from here, and bundled.
          resolveDir: ROOT,
        }));
      }
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
        contents: [
          ["resolve(__dirname, '../../../locales')", "fileURLToPath(new URL('../locales', import.meta.url))"],
          // Only commandDir() and config `extends` use it, and rdhooks neither: made when first called, not at import.
          [
            'const require = createRequire(import.meta.url);',
            'let realRequire;\nconst require = Object.assign((id) => (realRequire ??= createRequire(import.meta.url))(id), { resolve: (id, options) => (realRequire ??= createRequire(import.meta.url)).resolve(id, options) });',
          ],
        ].reduce((text, [from, to]) => patch(args.path, text, from, to), readFileSync(args.path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}

/**
 * http2-wrapper (got's) makes a TLS socket when it is imported, to find node's JSStreamSocket class: that builds
 * a TLS context with every root certificate, tens of milliseconds, on every run of a command that calls the API,
 * over plain http too. Only its HTTP/2 proxies use the class: it is found on their first use instead.
 */
function http2WrapperPatches() {
  return {
    name: 'http2-wrapper-patches',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]http2-wrapper[\\/]source[\\/]utils[\\/]js-stream-socket\.js$/ }, (args) => ({
        contents: patch(
          args.path,
          readFileSync(args.path, 'utf8'),
          'const JSStreamSocket = (new tls.TLSSocket(new stream.PassThrough()))._handle._parentWrap.constructor;\n\nmodule.exports = JSStreamSocket;',
          'let JSStreamSocket;\n\nmodule.exports = function (...args) {\n\tJSStreamSocket ??= (new tls.TLSSocket(new stream.PassThrough()))._handle._parentWrap.constructor;\n\treturn new JSStreamSocket(...args);\n};',
        ),
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
  await bundle();
  cpSync(join(dirname(require.resolve('yargs/package.json')), 'locales'), join(DIST, 'locales'), { recursive: true });
  await declarations;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
