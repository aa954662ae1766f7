import { describe, expect, it } from '@jest/globals';
import { quote } from './quote.js';

describe('quote', () => {
  it.each([
    ['short text as it is', 'crm-lead-sync', 80, '"crm-lead-sync"'],
    ['a number as JSON', 42, 80, '"42"'],
    ['quotes and controls escaped', 'a"b\u001b[31m', 80, '"a\\"b\\u001b[31m"'],
    ['long text cut', 'x'.repeat(100), 10, `"${'x'.repeat(9)}…"`],
    ['escapes counted in the length', '\u001b'.repeat(5), 10, '"\\u001b\\u0…"'],
    ['a cut in a path kept', `https://h.example.com/${'p'.repeat(100)}`, 30, `"https://h.example.com/${'p'.repeat(7)}…"`],
    ['a cut in a host after the user info kept', `https://u:pw@${'h'.repeat(100)}.example.com/`, 30, `"https://u:pw@${'h'.repeat(16)}…"`],
    ['a cut in user info moved before it', `https://user:${'s'.repeat(100)}@h.example.com/`, 30, '"https://…"'],
    ['a cut in an authority whose end is out of sight moved too', `https://${'s'.repeat(5000)}@h.example.com/`, 30, '"https://…"'],
  ])('%s', (_name, value, max, expected) => {
    expect(quote(value, max)).toBe(expected);
  });

  it('reads no more of a huge value than it can show', () => {
    expect(quote('\u001b'.repeat(5_000_000))).toHaveLength(82);
  });
});
