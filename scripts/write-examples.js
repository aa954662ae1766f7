#!/usr/bin/env node
/**
 * `npm run examples`: writes the example CI files under examples/ from the templates `rdhooks init` uses
 * (src/adopt/ci-templates.ts, built to dist/), so the two never differ. Run it after changing a template.
 */
import { writeFileSync } from 'node:fs';
import { CI_TEMPLATES } from '../dist/adopt/ci-templates.js';

for (const template of Object.values(CI_TEMPLATES).flat()) {
  writeFileSync(new URL(`../${template.example}`, import.meta.url), template.text);
  process.stdout.write(`wrote ${template.example}\n`);
}
