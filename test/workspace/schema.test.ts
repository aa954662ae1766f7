/**
 * The workspace schema: self-contained (editors cannot follow a reference out of a urn-identified schema), so it
 * holds a copy of the manifest schema for inline manifests, which must stay the manifest schema exactly.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ROOT } from '../helpers/cli.js';

type Schema = Record<string, unknown>;
const read = (name: string): Schema => JSON.parse(readFileSync(`${ROOT}/schemas/${name}`, 'utf8')) as Schema;
const workspace = read('workspace.schema.json');
const manifest = read('webhooks.schema.json');

/** Every subschema of `schema` with where it is, depth first. */
function walk(schema: unknown, at = '#'): [string, Schema][] {
  if (schema === null || typeof schema !== 'object') return [];
  if (Array.isArray(schema)) return schema.flatMap((s, i) => walk(s, `${at}/${i}`));
  const node = schema as Schema;
  const children = Object.entries(node).flatMap(([k, v]) => (['examples', 'enum', 'const', 'default'].includes(k) ? [] : walk(v, `${at}/${k}`)));
  return [[at, node], ...children];
}

describe('schemas/workspace.schema.json', () => {
  it('is identified, and refuses unknown keys in every mapping', () => {
    expect(workspace.$id).toBe('urn:rdhooks:schema:workspace:1');
    const open = walk(workspace).filter(([, s]) => (s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'))) && s.properties && s.additionalProperties !== false);
    expect(open.map(([at]) => at)).toEqual([]);
  });

  it('describes every property (itself, or the definition it refers to)', () => {
    const definitions = workspace.definitions as Record<string, Schema>;
    const described = (p: Schema): boolean =>
      typeof p.description === 'string' || (typeof p.$ref === 'string' && typeof definitions[p.$ref.replace('#/definitions/', '')]?.description === 'string');
    // An `if` only tests a value; its properties are not keys anyone writes.
    const undescribed = walk(workspace).filter(([at]) => !at.endsWith('/if')).flatMap(([at, s]) =>
      Object.entries((s.properties as Record<string, Schema> | undefined) ?? {}).filter(([, p]) => !described(p)).map(([k]) => `${at}/properties/${k}`),
    );
    expect(undescribed).toEqual([]);
  });

  it('holds the manifest schema, unchanged, for inline manifests (version not required)', () => {
    const definitions = workspace.definitions as Record<string, Schema>;
    const inline = definitions.manifest!;
    expect(inline.properties).toEqual(manifest.properties);
    expect(inline.patternProperties).toEqual(manifest.patternProperties);
    expect(inline.additionalProperties).toBe(false);
    expect(inline.required).toBeUndefined();
    for (const [name, definition] of Object.entries(manifest.definitions as Record<string, Schema>)) expect([name, definitions[name]]).toEqual([name, definition]);
  });
});
