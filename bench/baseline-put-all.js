#!/usr/bin/env node
/**
 * The baseline: the script teams write before adopting rdhooks. It lists the account once, then PUTs every desired
 * webhook unconditionally (and POSTs the ones not listed), with no diff: simple, and it converges, at the price of
 * one write per webhook every run. Plain fetch, no retries, no rate limiting.
 *
 * Usage: node bench/baseline-put-all.js DESIRED.json API_URL [--concurrency N]
 * DESIRED.json is [{event_type, url, event_identifiers, include_relations}, …]; RDSTATION_ACCESS_TOKEN is set.
 * Prints "lists=1 puts=N posts=N" to stdout.
 */
import { readFileSync } from 'node:fs';

const [file, apiUrl] = process.argv.slice(2);
const c = process.argv.indexOf('--concurrency');
const concurrency = c > 0 ? Number(process.argv[c + 1]) : 1;
const headers = {
  Accept: 'application/json',
  'Content-Type': 'application/json',
  Authorization: `Bearer ${process.env.RDSTATION_ACCESS_TOKEN}`,
};

async function call(method, path, body) {
  const res = await fetch(`${apiUrl}/integrations/webhooks${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const desired = JSON.parse(readFileSync(file, 'utf8'));
const listed = (await call('GET', '')).webhooks;
const byKey = new Map(listed.map((w) => [`${w.event_type} ${w.url}`, w]));
const counts = { lists: 1, puts: 0, posts: 0 };
const work = desired.map((d) => async () => {
  const body = { entity_type: 'CONTACT', http_method: 'POST', ...d };
  const existing = byKey.get(`${d.event_type} ${d.url}`);
  if (existing) {
    counts.puts++;
    await call('PUT', `/${existing.uuid}`, body);
  } else {
    counts.posts++;
    await call('POST', '', body);
  }
});
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < work.length) await work[next++]();
  }),
);
process.stdout.write(`lists=${counts.lists} puts=${counts.puts} posts=${counts.posts}\n`);
