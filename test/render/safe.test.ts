import { describe, expect, it } from '@jest/globals';
import { maskUrl, maskUrlsIn } from '../../src/shared/url.js';
import { escapeUnsafeJson, stripControl } from '../../src/shared/text.js';

describe('maskUrl', () => {
  it.each([
    ['https://hooks.example.com/rd', 'https://hooks.example.com/rd'],
    ['https://user:pass@hooks.example.com/rd', 'https://***:***@hooks.example.com/rd'],
    ['https://token@hooks.example.com/rd', 'https://***@hooks.example.com/rd'],
    ['https://hooks.example.com/rd?token=abc&v=2', 'https://hooks.example.com/rd?token=***&v=***'],
    ['https://hooks.example.com/rd?s3cr3t', 'https://hooks.example.com/rd?***'],
    ['https://hooks.example.com/rd?empty=&a=1', 'https://hooks.example.com/rd?empty=&a=***'],
    ['https://hooks.example.com/rd?a=1#frag', 'https://hooks.example.com/rd?a=***#frag'],
    ['https://u:p@h.example.com:8443/p?q=1', 'https://***:***@h.example.com:8443/p?q=***'],
    ['https://h.example.com/a@b', 'https://h.example.com/a@b'],
    ['not a url?x=1', 'not a url?x=1'],
  ])('%s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });
});

describe('maskUrlsIn', () => {
  it.each([
    ['WEBHOOK.CONVERTED https://u:p@h.example.com/x?t=1', 'WEBHOOK.CONVERTED https://***:***@h.example.com/x?t=***'],
    ['see https://h.example.com/x?t=1.', 'see https://h.example.com/x?t=***.'],
    ['plain http:// in prose', 'plain http:// in prose'],
    ['crm-lead-sync', 'crm-lead-sync'],
  ])('%s', (text, masked) => {
    expect(maskUrlsIn(text)).toBe(masked);
  });
});

describe('stripControl', () => {
  it.each([
    ['plain', 'plain'],
    ['\u001b[31mred\u001b[0m', 'red'],
    ['\u001b]8;;https://evil\u0007link\u001b]8;;\u0007', 'link'],
    ['\u009b31mc1 csi', 'c1 csi'],
    ['a\u0085b\u009fc', 'abc'],
    ['line\nbreak\ttab\r', 'linebreaktab'],
    ['\u202eabc\u202c \u2066x\u2069 \u200fy', 'abc x y'],
    ['ação 日本', 'ação 日本'],
  ])('%j', (text, clean) => {
    expect(stripControl(text)).toBe(clean);
  });
});

describe('escapeUnsafeJson', () => {
  it('escapes C1 and bidi controls and keeps the JSON equal', () => {
    const value = { s: 'a\u0085b\u202ec\u2028d' };
    const json = escapeUnsafeJson(JSON.stringify(value, null, 2));
    expect(json).toContain('a\\u0085b\\u202ec\\u2028d');
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('masking text with control characters in a URL', () => {
  it('masks the whole query even when a newline splits it', () => {
    expect(maskUrlsIn('X https://h.example.com/x?t=se\ncret&u=1')).toBe('X https://h.example.com/x?t=***&u=***');
  });
});
