import { describe, expect, it } from '@jest/globals';
import { renderText } from '../../src/render/text.js';
import { aDesired, aManifest } from '../builders.js';
import { emptyPlan, planOf, richPlan } from './fixtures.js';

describe('renderText', () => {
  it('renders every kind of change', () => {
    expect(renderText(richPlan())).toMatchSnapshot();
  });

  it('renders colour when asked', () => {
    expect(renderText(richPlan(), { color: true })).toMatchSnapshot();
  });

  it('shows credentials with showSensitive', () => {
    expect(renderText(richPlan(), { showSensitive: true })).toMatchSnapshot();
  });

  it('says when there is nothing to do', () => {
    const out = renderText(emptyPlan());
    expect(out).toMatchSnapshot();
    expect(out.trimEnd().split('\n').at(-1)).toBe('No changes. The account matches the manifest.');
  });

  it('ends with the counts', () => {
    const p = planOf(aManifest({ webhooks: [aDesired({ url: 'https://a.example.com' })] }), []);
    expect(renderText(p).trimEnd().split('\n').at(-1)).toBe('Plan: 1 to create, 0 to update, 0 to delete.');
  });

  it('masks credentials and strips control characters', () => {
    const out = renderText(richPlan());
    for (const secret of ['hunter2', 'OLDSECRET', 'NEWSECRET']) expect(out).not.toContain(secret);
    expect(out).toContain('(sensitive value changed)');
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(out).toContain('https://evil.example.com/redevil');
  });

  it('has no escapes without colour and some with it', () => {
    expect(renderText(richPlan())).not.toContain('\u001b');
    expect(renderText(richPlan(), { color: true })).toContain('\u001b[32m+\u001b[39m');
  });
});
