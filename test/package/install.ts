/**
 * The rdhooks npm package as a team gets it: `npm pack` run in a clean copy of this repository (tracked and new
 * files, no dist/, so `prepare` builds it as a release would), then the tarball installed OFFLINE as a dev
 * dependency of a fresh repository. Shared by the package, editor and workflow tests.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/** How a command ended. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program (no shell); a hang guard kills it. */
export function run(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Throws with the command's output unless it exited 0. */
function ok(what: string, r: Ran): Ran {
  if (r.code !== 0) throw new Error(`${what} exited with ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A port nothing listens on: every request sent through this proxy fails at once. */
const DEAD_PROXY = 'http://127.0.0.1:9';

/**
 * The environment for a child npm: this process's, without the npm_* variables `npm test` sets (npm_config_local_prefix
 * and friends would point the child at this repository), with the same cache, and with every proxy set to a dead
 * port, so an install that needs the network fails instead of quietly downloading.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  const cache = process.env.npm_config_cache;
  return {
    ...env,
    ...(cache ? { npm_config_cache: cache } : {}),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    http_proxy: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    npm_config_proxy: DEAD_PROXY,
    npm_config_https_proxy: DEAD_PROXY,
    NO_PROXY: '',
    no_proxy: '',
  };
}

/** The tarball and the paths it holds, as `npm pack --json` reports them. */
export interface Packed {
  tarball: string;
  files: string[];
}

/** The files a fresh checkout would have: tracked and new ones, not ignored ones (node_modules, dist, .rdhooks). */
async function checkoutFiles(): Promise<string[]> {
  const r = ok('git ls-files', await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT }));
  const files = r.stdout.split('\0').filter(Boolean);
  const present = await Promise.all(files.map((f) => stat(join(ROOT, f)).then((s) => s.isFile(), () => false)));
  return files.filter((_, i) => present[i]);
}

/** Packs rdhooks from a clean copy of the repository into `into`. */
export async function packRdhooks(into: string): Promise<Packed> {
  const copy = join(into, 'checkout');
  for (const file of await checkoutFiles()) {
    await mkdir(dirname(join(copy, file)), { recursive: true });
    await copyFile(join(ROOT, file), join(copy, file));
  }
  // The build (the `prepare` script) needs the dev dependencies npm ci installed here.
  await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const out = join(into, 'pack');
  await mkdir(out);
  const r = ok('npm pack', await run('npm', ['pack', '--json', '--pack-destination', out], { cwd: copy, env: npmEnv() }));
  const [report] = JSON.parse(r.stdout) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(out, report.filename), files: report.files.map((f) => f.path).sort() };
}

/**
 * A lockfile holding exactly rdhooks' runtime dependencies, at the versions of this repository's lockfile.
 * `npm ci` caches package tarballs but not the registry's metadata, so an offline install can only resolve
 * dependencies that a lockfile already names; the versions are the ones rdhooks is tested with.
 */
async function runtimeLockfile(): Promise<string> {
  const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  const packages: Record<string, object> = { '': {} };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith('node_modules/') && !entry.dev && !entry.devOptional) packages[path] = { ...entry, dev: true };
  }
  return `${JSON.stringify({ lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

/** A fresh repository (`{"private": true}`) with the packed rdhooks installed offline as a dev dependency. */
export interface InstalledRepo {
  /** The repository: package.json, package-lock.json, node_modules/rdhooks. */
  dir: string;
  packed: Packed;
  /** What `npm install` printed. */
  install: Ran;
  /** node_modules/.bin/rdhooks */
  bin: string;
  remove(): Promise<void>;
}

/** Packs rdhooks and installs the tarball into a new temporary repository, with no network. */
export async function installRdhooks(): Promise<InstalledRepo> {
  const base = await mkdtemp(join(tmpdir(), 'rdhooks-package-'));
  const remove = () => rm(base, { recursive: true, force: true });
  try {
    const packed = await packRdhooks(base);
    const dir = join(base, 'repo');
    await mkdir(dir);
    await writeFile(join(dir, 'package.json'), '{"private": true}\n');
    await writeFile(join(dir, 'package-lock.json'), await runtimeLockfile());
    const install = ok(
      'npm install',
      await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--save-dev', packed.tarball], { cwd: dir, env: npmEnv() }),
    );
    return { dir, packed, install, bin: join(dir, 'node_modules', '.bin', 'rdhooks'), remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
