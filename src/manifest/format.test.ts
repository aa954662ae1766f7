import { describe, expect, it } from '@jest/globals';
import { formatGithub, formatJson, formatSummary, formatText } from './format.js';
import type { Diagnostic, Manifest } from './types.js';

const SOURCE = 'version: 1\nwebhooks:\n  - event_typ: WEBHOOK.CONVERTED\n    url: http://x.example.com\n';
const DIAGNOSTICS: Diagnostic[] = [
  { file: 'webhooks.yaml', line: 3, column: 5, length: 9, severity: 'error', code: 'unknown-key', message: 'unknown key "event_typ"; did you mean "event_type"?' },
  { file: 'webhooks.yaml', line: 4, column: 10, length: 20, severity: 'warning', code: 'insecure-url', message: 'uses http, 100%,\nplain' },
];

describe('formatText', () => {
  it('prints each diagnostic with a code frame under it', () => {
    expect(formatText(DIAGNOSTICS, { source: SOURCE })).toBe(
      [
        'webhooks.yaml:3:5: error: unknown key "event_typ"; did you mean "event_type"?',
        '  2 | webhooks:',
        '> 3 |   - event_typ: WEBHOOK.CONVERTED',
        '    |     ^^^^^^^^^',
        '',
        'webhooks.yaml:4:10: warning: uses http, 100%,\nplain',
        '  3 |   - event_typ: WEBHOOK.CONVERTED',
        '> 4 |     url: http://x.example.com',
        '    |          ^^^^^^^^^^^^^^^^^^^^',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints only the message lines without the source', () => {
    expect(formatText(DIAGNOSTICS.slice(0, 1))).toBe('webhooks.yaml:3:5: error: unknown key "event_typ"; did you mean "event_type"?\n');
  });

  it('keeps the caret aligned under tabs and control characters, and within the line', () => {
    const out = formatText([{ ...DIAGNOSTICS[0]!, line: 1, column: 3, length: 50 }], { source: '\t\u001bab\n' });
    expect(out.split('\n').slice(1, 3)).toEqual(['> 1 |  ?ab', '    |   ^^']);
  });

  it('paints when given a painter', () => {
    const out = formatText(DIAGNOSTICS.slice(0, 1), { paint: (style, text) => `<${style}>${text}</${style}>` });
    expect(out).toBe('<bold>webhooks.yaml:3:5</bold>: <red>error</red>: unknown key "event_typ"; did you mean "event_type"?\n');
  });
});

describe('formatSummary', () => {
  const manifest = { webhooks: [{}, {}], absent: [{}] } as unknown as Manifest;
  it.each([
    [[], manifest, 'webhooks.yaml: valid (2 webhooks, 1 absent)\n'],
    [DIAGNOSTICS.slice(1), manifest, 'webhooks.yaml: valid (2 webhooks, 1 absent, 1 warning)\n'],
    [DIAGNOSTICS, undefined, 'webhooks.yaml: 1 error, 1 warning\n'],
    [[DIAGNOSTICS[0]!, DIAGNOSTICS[0]!], undefined, 'webhooks.yaml: 2 errors\n'],
  ])('%#', (diagnostics, m, expected) => {
    expect(formatSummary('webhooks.yaml', diagnostics, m)).toBe(expected);
  });
});

describe('formatJson', () => {
  it('prints the documented fields only', () => {
    expect(JSON.parse(formatJson(DIAGNOSTICS))).toEqual([
      { file: 'webhooks.yaml', line: 3, column: 5, severity: 'error', code: 'unknown-key', message: 'unknown key "event_typ"; did you mean "event_type"?' },
      { file: 'webhooks.yaml', line: 4, column: 10, severity: 'warning', code: 'insecure-url', message: 'uses http, 100%,\nplain' },
    ]);
    expect(formatJson([])).toBe('[]\n');
  });
});

describe('formatGithub', () => {
  it('prints workflow commands, escaped', () => {
    expect(formatGithub([...DIAGNOSTICS, { ...DIAGNOSTICS[0]!, file: 'a,b:c.yaml' }])).toBe(
      [
        '::error file=webhooks.yaml,line=3,col=5,title=rdhooks unknown-key::unknown key "event_typ"; did you mean "event_type"?',
        '::warning file=webhooks.yaml,line=4,col=10,title=rdhooks insecure-url::uses http, 100%25,%0Aplain',
        '::error file=a%2Cb%3Ac.yaml,line=3,col=5,title=rdhooks unknown-key::unknown key "event_typ"; did you mean "event_type"?',
        '',
      ].join('\n'),
    );
  });
});
