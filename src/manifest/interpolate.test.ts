import { describe, expect, it } from '@jest/globals';
import { interpolate, interpolateTree } from './interpolate.js';

const ENV = { HOST: 'https://h.example.com', EMPTY: '', NESTED: '${HOST}' };

describe('interpolate', () => {
  it.each([
    ['no references', 'https://x.example.com/a', 'https://x.example.com/a'],
    ['a set variable', '${HOST}/a', 'https://h.example.com/a'],
    ['two references', '${HOST}${HOST}', 'https://h.example.com'.repeat(2)],
    ['a default when unset', '${NOPE:-https://d.example.com}/a', 'https://d.example.com/a'],
    ['a default when empty, as the shell does', '${EMPTY:-d}', 'd'],
    ['an empty default', 'a${NOPE:-}b', 'ab'],
    ['a set-but-empty variable without default', 'a${EMPTY}b', 'ab'],
    ['a default containing ":" and "/"', '${NOPE:-http://x:8080/p}', 'http://x:8080/p'],
    ['$${ as a literal ${', 'a$${HOST}b', 'a${HOST}b'],
    ['a lone $', 'cost: $5 and $HOST', 'cost: $5 and $HOST'],
    ['no rescan of replacements', '${NESTED}', '${HOST}'],
  ])('handles %s', (_name, input, expected) => {
    expect(interpolate(input, ENV)).toEqual({ value: expected, problems: [] });
  });

  it.each([
    ['an unset variable', 'a/${NOPE}/b', 'undefined-variable', '${NOPE}', 'environment variable NOPE is not set; set it, or give a default: ${NOPE:-value}.'],
    ['an unclosed reference', 'a/${HOST', 'bad-interpolation', '${HOST', 'unclosed "${" in "a/${HOST"; close it with "}", or write "$${" for a literal "${".'],
    [
      'a reference that is not a name',
      '${1X}',
      'bad-interpolation',
      '${1X}',
      '"${1X}" is not a variable reference; write ${NAME} or ${NAME:-default} (NAME of letters, digits and _), or "$${" for a literal "${".',
    ],
  ])('reports %s and keeps the text', (_name, input, code, token, message) => {
    expect(interpolate(input, ENV)).toEqual({ value: input, problems: [{ code, token, message }] });
  });
});

describe('interpolateTree', () => {
  it('replaces string values only, and reports each problem with its path', () => {
    const tree = { '${HOST}': 1, list: ['${HOST}', 2, null, { url: '${NOPE}' }], flag: true };
    const result = interpolateTree(tree, ENV);
    expect(result.value).toEqual({ '${HOST}': 1, list: ['https://h.example.com', 2, null, { url: '${NOPE}' }], flag: true });
    expect(result.problems.map((p) => [p.path, p.code])).toEqual([[['list', 3, 'url'], 'undefined-variable']]);
  });
});
