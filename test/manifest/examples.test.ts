import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { loadManifest } from '../../src/manifest/load.js';
import { ROOT } from '../helpers/cli.js';

const MANIFESTS = ['webhooks.yaml', ...readdirSync(`${ROOT}/examples`).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`)];

describe('example manifests', () => {
  it('include the ones the README promises', () => {
    expect(MANIFESTS).toEqual(
      expect.arrayContaining(['examples/minimal.yaml', 'examples/every-field.yaml', 'examples/environments.yaml', 'examples/prune-and-ignore.yaml']),
    );
  });

  it.each(MANIFESTS)('%s validates with an empty environment, without warnings', async (file) => {
    const result = await loadManifest(file, {}, { cwd: ROOT });
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest?.webhooks.length).toBeGreaterThan(0);
  });

  it.each(MANIFESTS)('%s starts with the yaml-language-server schema line', (file) => {
    const schema = file.includes('/') ? '../schemas/webhooks.schema.json' : './schemas/webhooks.schema.json';
    expect(readFileSync(`${ROOT}/${file}`, 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=${schema}`);
  });

  it('environments.yaml follows its environment', async () => {
    const env = { HOOKS_BASE_URL: 'https://staging-hooks.example.com', RD_ENV: 'staging' };
    const result = await loadManifest('examples/environments.yaml', env, { cwd: ROOT });
    expect(result.manifest?.webhooks.map((w) => [w.address, w.url])).toEqual([
      ['leads-staging', 'https://staging-hooks.example.com/rd/converted?env=staging'],
      ['opportunities-staging', 'https://staging-hooks.example.com/rd/opportunity'],
    ]);
  });

  it('prune-and-ignore.yaml prunes and keeps its ignore rules', async () => {
    const result = await loadManifest('examples/prune-and-ignore.yaml', {}, { cwd: ROOT });
    expect(result.manifest?.prune).toBe(true);
    expect(result.manifest?.ignore).toHaveLength(3);
  });
});

type SchemaNode = Record<string, unknown> & { properties?: Record<string, SchemaNode>; items?: SchemaNode; type?: unknown };

describe('schemas/webhooks.schema.json', () => {
  const schema = JSON.parse(readFileSync(`${ROOT}/schemas/webhooks.schema.json`, 'utf8')) as SchemaNode & {
    definitions: Record<string, SchemaNode>;
  };
  const resolve = (node: SchemaNode): SchemaNode =>
    typeof node.$ref === 'string' ? { ...schema.definitions[node.$ref.replace('#/definitions/', '')], ...node } : node;

  /** Every object schema reachable from the root, with its JSON path. */
  const objects: [string, SchemaNode][] = [];
  const properties: [string, SchemaNode][] = [];
  const walk = (node: SchemaNode, path: string) => {
    const n = resolve(node);
    if (n.type === 'object' || n.properties) objects.push([path, n]);
    for (const [key, child] of Object.entries(n.properties ?? {})) {
      properties.push([`${path}.${key}`, child]);
      walk(child, `${path}.${key}`);
    }
    if (n.items) walk(n.items, `${path}[]`);
  };
  walk(schema, '$');

  it.each(objects)('%s allows no additional properties', (_path, node) => {
    expect(node.additionalProperties).toBe(false);
  });

  it.each(properties)('%s has a description', (_path, node) => {
    expect(typeof node.description === 'string' || typeof resolve(node).description === 'string').toBe(true);
  });

  it('uses the vocabulary of src/webhook.ts', async () => {
    const { EVENT_TYPES, RELATIONS } = await import('../../src/shared/webhook.js');
    expect(schema.definitions.event_type?.enum).toEqual([...EVENT_TYPES]);
    expect(schema.definitions.include_relations?.items?.enum).toEqual([...RELATIONS]);
  });
});
