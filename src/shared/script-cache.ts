/**
 * Loading a bundled script (the CLI's app script, and got's, dist/vendor/) with V8's code cache, so that a start
 * compiles its code from a cache instead of from source. Node 20 has no compile cache for ES modules; for a classic
 * script, V8 takes the cache it wrote before. The cache is an optimisation only: any failure to read or write it
 * leaves the script compiled from source, and V8 rejects a cache made by another V8 version or with other flags.
 * Each script's file name carries a hash of its content (the build names it so), and the cache file is named after
 * it, so a changed script never meets a cache made from another one.
 *
 * V8 caches the functions compiled in the run that writes the cache, and one script serves every command: so each
 * command has a cache file of its own, holding what that command compiles, written by its first successful run. A
 * command reads only its own (V8 deserializes a cache whole: one holding every command's code costs `validate` about 10%
 * more to start, measured in BENCHMARKS.md).
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** A script as the build wraps it: CommonJS inside a function of (module, exports, its own file URL). */
type Factory = (module: { exports: unknown }, exports: unknown, url: string) => void;

/** Caches to write when the process ends. */
const pending: (() => void)[] = [];

/**
 * The exports of the script at `url`, compiled with the code cache named `key` (the command a run serves) kept in
 * `cacheDir` (none when undefined). A missing or rejected cache is written when the process exits, holding what
 * this run compiled, if the run succeeded: one that stopped at an error compiled less than its command does.
 */
export function loadScript(url: URL, cacheDir: string | undefined, key: string): unknown {
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  // The key is part of a file name: anything but a short lower-case word is filed as "-".
  const cacheFile = cacheDir === undefined ? undefined : join(cacheDir, `${basename(path)}.${/^[a-z][a-z-]{0,31}$/.test(key) ? key : '-'}.${variant()}.cache`);
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
  const script = new Script(source, { filename: path, ...(cachedData ? { cachedData } : {}) });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) saveOnExit(() => writeCache(cacheFile, script.createCachedData()));
  const module = { exports: {} as unknown };
  (script.runInThisContext() as Factory)(module, module.exports, url.href);
  return module.exports;
}

/** Exit codes of a run whose caches are worth keeping: success, and plan's "there are changes". */
const SUCCESS = new Set([0, 2]);

/** Saves a cache when the process exits after a successful run: V8 writes a function into it once compiled. */
function saveOnExit(save: () => void): void {
  if (pending.length === 0) process.once('exit', (code) => SUCCESS.has(code) && saveCodeCaches());
  pending.push(save);
}

/**
 * What else decides whether V8 takes a cache: its version and, through the flags, node's options. A profiling run
 * (`node --cpu-prof`) gets a cache of its own rather than replacing, and being replaced by, the usual one.
 */
function variant(): string {
  const options = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').trim();
  return `${process.version}-${process.arch}${options ? `-${hash('sha1', options, 'hex').slice(0, 8)}` : ''}`;
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

/**
 * What starts a cache file, before a digest of V8's bytes and a newline; the bytes follow. V8 checks a cache's
 * version, flags and length but not its content (a damaged one can crash node), so the digest is checked first.
 */
const HEADER = 'rdhooks-code-cache ';

/** A cache file's V8 data; nothing when it is missing, unreadable, damaged or not one of ours. */
function readCache(file: string): Buffer | undefined {
  try {
    const bytes = readFileSync(file);
    const end = bytes.indexOf(10);
    if (end !== HEADER.length + DIGEST_LENGTH || bytes.toString('latin1', 0, end) !== `${HEADER}${digest(bytes.subarray(end + 1))}`) return undefined;
    return bytes.subarray(end + 1);
  } catch {
    return undefined;
  }
}

/** The length of a digest: a SHA-1 in base64url. */
const DIGEST_LENGTH = 27;

/** V8's bytes, hashed (well under 1 ms; node:crypto is loaded anyway by the commands that read a manifest or a plan). */
function digest(data: Buffer): string {
  return hash('sha1', data, 'base64url');
}

/**
 * Writes `file` whole (another rdhooks may be reading it) and removes the caches of other builds of its script not
 * written for CACHE_LIFETIME: an upgrade leaves the old build's behind, and two installed versions (a global one and
 * a project's own) must not remove each other's caches on every run.
 */
function writeCache(file: string, data: Buffer): void {
  const dir = join(file, '..');
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([Buffer.from(`${HEADER}${digest(data)}\n`, 'latin1'), data]));
  renameSync(temporary, file);
  // app-2WQJ4A.js.plan.v20.20.2-x64.cache: an "app-" script of another hash is another build.
  const name = basename(file);
  const build = name.slice(0, name.indexOf('.js.') + 4);
  const script = build.slice(0, build.lastIndexOf('-') + 1);
  const before = Date.now() - CACHE_LIFETIME;
  for (const other of readdirSync(dir)) {
    if (!script || !other.startsWith(script) || other.startsWith(build) || !other.endsWith('.cache')) continue;
    const path = join(dir, other);
    if ((statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < before) rmSync(path, { force: true });
  }
}

/** How long the caches of another build are kept after they were written: 30 days. */
const CACHE_LIFETIME = 30 * 24 * 60 * 60 * 1000;
