/** Reads the project's own API fixtures (test/fixtures/api). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of an API fixture. */
export function apiFixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/api/${name}`, import.meta.url));
}

/** The text of an API fixture. */
export function apiFixture(name: string): string {
  return readFileSync(apiFixturePath(name), 'utf8');
}
