import { describe, expect, it } from '@jest/globals';
import { matchesIgnoreRule, matchesUrlPattern } from './ignore.js';

describe('matchesUrlPattern', () => {
  it.each([
    ['https://legacy.example.com/*', 'https://legacy.example.com/a/b', true],
    ['https://legacy.example.com/*', 'https://legacy.example.com/', true],
    ['https://legacy.example.com/*', 'https://legacy.example.com', false],
    ['https://*.example.com/hook', 'https://a.example.com/hook', true],
    ['https://a.example.com/x?y=(1)', 'https://a.example.com/x?y=(1)', true],
    ['https://a.example.com/x.y', 'https://a.example.com/xzy', false],
    ['*', 'anything', true],
    ['*', '', true],
    ['', '', true],
    ['', 'x', false],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYbZ', false],
    ['*a*a', 'xaxa', true],
    ['**x', 'yyx', true],
    ['https://a.example.com/*', 'https://a.example.com/\nline', true],
  ])('%s against %s: %s', (pattern, url, expected) => {
    expect(matchesUrlPattern(pattern, url)).toBe(expected);
  });

  it('stays linear on patterns with many stars (a regex of ".*"s took minutes)', () => {
    expect(matchesUrlPattern(`${'*a'.repeat(200)}*!`, 'a'.repeat(100_000))).toBe(false);
    expect(matchesUrlPattern(`${'*a'.repeat(200)}*`, 'a'.repeat(100_000))).toBe(true);
  });
});

describe('matchesIgnoreRule', () => {
  const webhook = { uuid: '5408c5a3-4711-4f2e-8d0b-13407a3e30f3', event_type: 'WEBHOOK.CONVERTED', url: 'https://a.example.com/x' };
  it.each([
    [{ uuid: '5408C5A3-4711-4F2E-8D0B-13407A3E30F3' }, true],
    [{ event_type: 'WEBHOOK.CONVERTED' }, true],
    [{ event_type: 'WEBHOOK.CONVERTED', url: 'https://b.example.com/*' }, false],
    [{ event_type: 'crm_deal_created', url: 'https://a.example.com/*' }, false],
    [{}, false],
  ])('%j: %s', (rule, expected) => {
    expect(matchesIgnoreRule(rule, webhook)).toBe(expected);
  });

  it.each([
    ['HTTPS://A.EXAMPLE.COM/x', true],
    ['https://a.example.com:443/y/../x', true],
    ['https://a.example.com', false],
  ])("compares the rule's canonical pattern against %s in canonical form: %s", (url, expected) => {
    expect(matchesIgnoreRule({ url: 'https://a.example.com/x' }, { url })).toBe(expected);
  });

  it('does not match on a uuid the webhook lacks', () => {
    expect(matchesIgnoreRule({ uuid: webhook.uuid }, { event_type: 'WEBHOOK.CONVERTED', url: 'https://a.example.com/x' })).toBe(false);
  });
});
