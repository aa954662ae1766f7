#!/usr/bin/env node
/**
 * `npm run examples`: writes the example CI files under examples/ from the templates `rdhooks init` uses
 * (src/adopt/ci-templates.ts, bundled here on the fly), so the two never differ. Run it after changing a template.
 */
import { writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const { outputFiles } = await esbuild.build({ entryPoints: [new URL('../src/adopt/ci-templates.ts', import.meta.url).pathname], bundle: true, format: 'esm', platform: 'node', write: false });
const { CI_TEMPLATES } = await import(`data:text/javascript,${encodeURIComponent(outputFiles[0].text)}`);

for (const template of Object.values(CI_TEMPLATES).flat()) {
  writeFileSync(new URL(`../${template.example}`, import.meta.url), template.text);
  process.stdout.write(`wrote ${template.example}\n`);
}
