#!/usr/bin/env node
/** The rdhooks entry point: parses argv with yargs, lazy-loads the command, turns errors into exit codes. */
import { EXIT, runCli } from './run.js';

// A reader that stops early (`rdhooks plan | head`) closes the pipe: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.stderr.write(`error: cannot write the output: ${err.code ?? err.message}\n`);
    process.exit(err.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
  });
}

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// After an interrupt, leave now: a request still in flight (a verification listing) must not hold the exit.
if (code === EXIT.interrupted) process.exit(code);
