#!/usr/bin/env node
/**
 * For yargs (yargs/yargs): when it runs a command's handler, yargs renders that command's whole help text
 * (usage.cacheHelpMessage() in lib/command.js), in case the handler asks for it later. A CLI that never shows
 * help after a command has started pays for cliui, wrap-ansi and string-width on every run. This runs one
 * command with 20 options, in fresh processes: as yargs does it, and with cacheHelpMessage made a no-op, and
 * counts how often the help is rendered. Proposed fix: render on demand (the message is only read by showHelp
 * and getHelp), or an option to turn the cache off. Usage: node bench/upstream/yargs-help-cache.js [RUNS]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

if (process.argv[2] === '--child') {
  const { default: yargs } = await import('yargs');
  const parser = yargs(['deploy', '--region', 'eu']).scriptName('tool');
  if (process.argv[3] === 'without-cache') parser.getInternalMethods().getUsageInstance().cacheHelpMessage = () => {};
  let renders = 0;
  const usage = parser.getInternalMethods().getUsageInstance();
  const help = usage.help;
  usage.help = function (...args) {
    renders += 1;
    return help.apply(this, args);
  };
  parser.command(
    'deploy',
    'Deploy the thing',
    (y) => {
      for (let i = 0; i < 20; i++) y.option(`option-${i}`, { type: 'string', describe: `What option ${i} does, in a sentence long enough to wrap in a narrow terminal` });
      return y.option('region', { type: 'string' });
    },
    () => {},
  );
  await parser.parseAsync();
  process.stdout.write(String(renders));
} else {
  const runs = Number(process.argv[2] ?? 20);
  const self = new URL(import.meta.url).pathname;
  const cases = ['with-cache', 'without-cache'];
  const times = cases.map(() => []);
  const renders = cases.map(() => 0);
  for (let r = 0; r < runs; r++) {
    cases.forEach((_, k) => {
      const i = (k + r) % cases.length;
      const started = performance.now();
      const p = spawnSync(process.execPath, [self, '--child', cases[i]], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
      if (p.status !== 0) throw new Error(p.stderr);
      times[i].push(performance.now() - started);
      renders[i] = Number(p.stdout);
    });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const version = JSON.parse(readFileSync(new URL('../../node_modules/yargs/package.json', import.meta.url), 'utf8')).version;
  console.log(`yargs ${version}, node ${process.version}, medians of ${runs} interleaved runs of a command with 20 options`);
  cases.forEach((c, i) => console.log(`${c}: ${median(times[i]).toFixed(1)} ms, help rendered ${renders[i]} time(s)`));
  console.log(`difference: ${(median(times[0]) - median(times[1])).toFixed(1)} ms per run`);
}
