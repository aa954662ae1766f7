#!/usr/bin/env node
/**
 * A reference: times one cold parse of FILE by the yaml package with the options src/manifest/parse.ts gives it
 * (positions, unique keys, merge keys), then toJS, and prints the milliseconds. rdhooks reads plain YAML with its
 * own reader (src/manifest/plain-yaml.ts) and gives the yaml package only other YAML.
 * Process start-up and the import of yaml are not included. Usage: node bench/yaml-parse.js FILE
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';

const text = readFileSync(process.argv[2], 'utf8');
const started = performance.now();
const doc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: true, prettyErrors: false, merge: true });
doc.toJS({ maxAliasCount: 10_000 });
process.stdout.write(`${(performance.now() - started).toFixed(1)}\n`);
