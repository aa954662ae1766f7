#!/usr/bin/env node
/**
 * The rdhooks entry point: answers a bare `--version` at once; anything else loads the command table (run.ts),
 * which parses argv with yargs, runs the command and turns errors into exit codes. The build makes run.ts and all
 * it reaches one classic script (dist/cli/app-HASH.js), and this import loads it through V8's code cache
 * (src/shared/script-cache.ts).
 */
import { writeSync } from 'node:fs';
import { Module } from 'node:module';
import { VERSION } from '../shared/version.js';

const args = process.argv.slice(2);
// Start-up is the whole of `--version`: it is answered before the command table and its imports load, straight
// to the file descriptor (opening process.stdout on a pipe costs more than the rest).
if (args.length === 1 && args[0] === '--version') printVersion();
else void start(args);

function printVersion(): void {
  try {
    writeSync(1, `${VERSION}\n`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw err;
  }
}

/** Runs a command; no top-level await, so nothing that imports this module waits on it. */
async function start(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  enableCompileCache();
  const { EXIT, runCli } = await import('./run.js');
  const code = await runCli(argv);
  process.exitCode = code;
  // After an interrupt, leave now: a request still in flight (a verification listing) must not hold the exit.
  if (code === EXIT.interrupted) process.exit(code);
}

/**
 * Node 22.1 and later keep compiled ES modules (this one) in their compile cache (NODE_COMPILE_CACHE, or the
 * temporary directory); node 20 has none for ES modules, and the app script carries its own
 * (src/shared/script-cache.ts). RDHOOKS_CODE_CACHE=0 turns both off.
 */
function enableCompileCache(): void {
  // The module itself is its Module export: `enableCompileCache` is one of its statics where node has it.
  const { enableCompileCache: enable } = Module as unknown as { enableCompileCache?: () => unknown };
  if (process.env.RDHOOKS_CODE_CACHE !== '0') enable?.();
}

/** A reader that stops early (`rdhooks plan | head`) closes the pipe: that is not an error worth a stack trace. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.stderr.write(`error: cannot write the output: ${err.code ?? err.message}\n`);
    process.exit(err.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
  });
}
