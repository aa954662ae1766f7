/** The package version: written into the bundle by the build (scripts/build.js), read from package.json in src. */
import { readFileSync } from 'node:fs';

/** Defined by the bundler as package.json's version; undefined when the sources run as they are (tests). */
declare const RDHOOKS_VERSION: string | undefined;

/** rdhooks' version, as in package.json. */
export const VERSION: string =
  typeof RDHOOKS_VERSION === 'string'
    ? RDHOOKS_VERSION
    : (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
