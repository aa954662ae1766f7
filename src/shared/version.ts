/** The package version, read once from package.json next to the build. */
import { readFileSync } from 'node:fs';

/** rdhooks' version, as in package.json. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
