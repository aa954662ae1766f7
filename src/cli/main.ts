#!/usr/bin/env node
/** The rdhooks entry point: parses argv with yargs, lazy-loads the command, turns errors into exit codes. */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2));
