/** Preloaded with `node --import` where GNU time is missing: prints the process's peak RSS as bench/run.js reads it. */
process.on('exit', () => process.stderr.write(`BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`));
