/**
 * Loading a bundled script (the CLI's copies of yargs and yaml, dist/vendor/) with V8's code cache, so that a
 * start compiles their code from a cache instead of from source. Node 20 has no compile cache for ES modules;
 * for a classic script, V8 takes the cache it wrote before. The cache is an optimisation only: any failure to
 * read or write it leaves the script compiled from source, and V8 rejects a cache made by another V8 version or
 * with other flags. Each script's file name carries a hash of its content (the build names it so), and the
 * cache file is named after it, so a changed script never meets a cache made from another one.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** A script as the build wraps it: CommonJS inside a function of (module, exports, its own file URL). */
type Factory = (module: { exports: unknown }, exports: unknown, url: string) => void;

/** Caches to write when the process ends: V8 writes a function into the cache once it has been compiled. */
const pending: (() => void)[] = [];

/**
 * The exports of the script at `url`, compiled with the code cache kept in `cacheDir` (none when undefined). A
 * missing or rejected cache is written when the process exits, holding what this run compiled.
 */
export function loadScript(url: URL, cacheDir: string | undefined): unknown {
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  const cacheFile = cacheDir === undefined ? undefined : join(cacheDir, `${basename(path)}.${variant()}.cache`);
  const cachedData = cacheFile === undefined ? undefined : readOrNothing(cacheFile);
  const script = new Script(source, { filename: path, ...(cachedData ? { cachedData } : {}) });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    if (pending.length === 0) process.once('exit', saveCodeCaches);
    pending.push(() => writeCache(cacheFile, script.createCachedData()));
  }
  const module = { exports: {} as unknown };
  (script.runInThisContext() as Factory)(module, module.exports, url.href);
  return module.exports;
}

/**
 * What else decides whether V8 takes a cache: its version and, through the flags, node's options. A profiling run
 * (`node --cpu-prof`) gets a cache of its own rather than replacing, and being replaced by, the usual one.
 */
function variant(): string {
  const options = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').trim();
  let hash = 5381;
  for (let i = 0; i < options.length; i++) hash = ((hash * 33) ^ options.charCodeAt(i)) >>> 0;
  return `${process.version}-${process.arch}${options ? `-${hash.toString(36)}` : ''}`;
}

/** Writes the caches loadScript found missing or stale (it runs on exit by itself); never throws. */
export function saveCodeCaches(): void {
  for (const save of pending.splice(0)) {
    try {
      save();
    } catch {
      // A read-only or full disk only costs the next start its cache.
    }
  }
}

/**
 * Where rdhooks keeps code caches: `rdhooks/code-cache` in the user's cache directory (XDG_CACHE_HOME or
 * ~/.cache; ~/Library/Caches on macOS; LOCALAPPDATA on Windows). None when RDHOOKS_CODE_CACHE=0 or no home is known.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.RDHOOKS_CODE_CACHE === '0') return undefined;
  const home = safeHomedir();
  const base =
    process.platform === 'win32'
      ? env.LOCALAPPDATA
      : process.platform === 'darwin'
        ? home && join(home, 'Library', 'Caches')
        : env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
          ? env.XDG_CACHE_HOME
          : home && join(home, '.cache');
  return base ? join(base, 'rdhooks', 'code-cache') : undefined;
}

function safeHomedir(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}

function readOrNothing(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes `file` whole (another rdhooks may be reading it) and removes the caches of other builds of its script. */
function writeCache(file: string, data: Buffer): void {
  const dir = join(file, '..');
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
  // yaml-2WQJ4A.js.v20.20.2-x64.cache: a "yaml-" script of another hash is an older build.
  const name = basename(file);
  const build = name.slice(0, name.indexOf('.js.') + 4);
  const script = build.slice(0, build.lastIndexOf('-') + 1);
  for (const other of readdirSync(dir)) {
    if (script && other.startsWith(script) && !other.startsWith(build) && other.endsWith('.cache')) rmSync(join(dir, other), { force: true });
  }
}
