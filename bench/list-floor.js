#!/usr/bin/env node
/**
 * The floor of `rdhooks plan`: what any client must pay to see the account, and nothing else: start node, one
 * GET of the webhook list (built-in fetch), JSON.parse of the body. Usage: node bench/list-floor.js API_URL,
 * with RDSTATION_ACCESS_TOKEN set. Prints the number of webhooks listed.
 */
const [apiUrl] = process.argv.slice(2);
const res = await fetch(`${apiUrl}/integrations/webhooks`, {
  headers: { Accept: 'application/json', Authorization: `Bearer ${process.env.RDSTATION_ACCESS_TOKEN}` },
});
const body = JSON.parse(await res.text());
if (!res.ok || !Array.isArray(body.webhooks)) {
  process.stderr.write(`list-floor: GET answered ${res.status}\n`);
  process.exit(1);
}
process.stdout.write(`${body.webhooks.length}\n`);
