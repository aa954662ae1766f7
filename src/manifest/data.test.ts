import { describe, expect, it } from '@jest/globals';
import { parseDocument } from 'yaml';
import { YAML_PARSE_OPTIONS } from '../shared/yaml.js';
import { aliasTargets, toData } from './data.js';

const data = (text: string): unknown => {
  const doc = parseDocument(text, YAML_PARSE_OPTIONS);
  const result = toData(doc.contents, aliasTargets(doc));
  return 'value' in result ? result.value : result.problem.code;
};

describe('toData', () => {
  it.each([
    ['scalars of every kind', 'a: 1\nb: 1.5\nc: true\nd: null\ne: ~\nf: "x"\ng: 0x1F\nh: .inf\ni: 2024-01-01\nj: !!str 5\n'],
    ['keys that are not text', '1: a\ntrue: b\nnull: c\n'],
    ['an alias used as a key and as values', 'x: &k key\n*k : 1\ny: [*k, *k]\n'],
    ['a key named __proto__', '__proto__: {polluted: true}\nb: 1\n'],
    ['a later anchor of the same name', 'a: &x 1\nb: *x\nc: &x 2\nd: *x\n'],
    ['merges: the mapping wins, then earlier sources', 'a: &a {k: 1, m: 1}\nb: &b {k: 2, n: 2}\nc: {<<: [*a, *b], m: 3}\nd: {m: 4, <<: *a}\ne: {<<: {k: 5}}\n'],
    ['a merge of a merge', 'a: &a {k: 1}\nb: &b {<<: *a, l: 2}\nc: {<<: *b}\n'],
    ['a quoted "<<" is an ordinary key', 'a: {"<<": 1}\n'],
    ['empty values', 'a:\nb: []\nc: {}\nd: [~, ""]\n'],
  ])('gives what yaml toJS gives: %s', (_name, text) => {
    const expected = parseDocument(text, YAML_PARSE_OPTIONS).toJS() as unknown;
    expect(data(text)).toEqual(expected);
  });

  it('copies aliased values instead of sharing them', () => {
    const value = data('a: &a [1]\nb: *a\n') as { a: number[]; b: number[] };
    expect(value.b).toEqual(value.a);
    expect(value.b).not.toBe(value.a);
  });

  it('writes a collection key as JSON, as no manifest key can be one', () => {
    expect(data('? [k, l]\n: e\n')).toEqual({ '["k","l"]': 'e' });
  });

  it('does not touch the prototype for a __proto__ key', () => {
    const value = data('__proto__: {polluted: true}\n') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it.each([
    ['a self-containing alias', 'a: &a [*a]\n', 'recursive-alias'],
    ['a self-merging mapping', 'a: &a {<<: *a}\n', 'recursive-alias'],
    ['a merge of a scalar', 'a: {<<: 1}\n', 'bad-merge'],
    ['a merge of a list holding a scalar', 'a: &a 1\nb: {<<: [*a]}\n', 'bad-merge'],
  ])('refuses %s', (_name, text, code) => {
    expect(data(text)).toBe(code);
  });
});
