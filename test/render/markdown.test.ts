import { describe, expect, it } from '@jest/globals';
import { renderMarkdown } from '../../src/render/markdown.js';
import { aDesired, aManifest } from '../builders.js';
import { emptyPlan, planOf, richPlan } from './fixtures.js';

describe('renderMarkdown', () => {
  it('renders every kind of change', () => {
    expect(renderMarkdown(richPlan())).toMatchSnapshot();
  });

  it('says when there is nothing to do', () => {
    expect(renderMarkdown(emptyPlan())).toMatchSnapshot();
  });

  it('masks credentials and strips control characters', () => {
    const out = renderMarkdown(richPlan());
    for (const secret of ['hunter2', 'OLDSECRET', 'NEWSECRET']) expect(out).not.toContain(secret);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(renderMarkdown(richPlan(), { showSensitive: true })).toContain('NEWSECRET');
  });

  it('stays under the limit and says how many changes it left out', () => {
    const webhooks = Array.from({ length: 2000 }, (_, i) =>
      aDesired({ name: `hook-${String(i).padStart(4, '0')}`, url: `https://hooks.example.com/${i}` }),
    );
    const out = renderMarkdown(planOf(aManifest({ webhooks }), []));
    expect(out.length).toBeLessThanOrEqual(65_000);
    expect(out).toMatch(/> \d+ changes left out to stay under 65000 characters/);
    const shown = out.match(/<details>/g)?.length ?? 0;
    expect(out).toContain(`> ${2000 - shown} changes left out`);
  });

  it('cuts at a smaller limit too', () => {
    const webhooks = Array.from({ length: 20 }, (_, i) => aDesired({ url: `https://hooks.example.com/${i}` }));
    const out = renderMarkdown(planOf(aManifest({ webhooks }), []), { maxLength: 3000 });
    expect(out.length).toBeLessThanOrEqual(3000);
    expect(out).toMatchSnapshot();
  });

  it('escapes Markdown and HTML in remote text', () => {
    const p = planOf(aManifest({ webhooks: [aDesired({ name: '<img src=x>](javascript:alert(1)) @team' })] }), []);
    const out = renderMarkdown(p);
    expect(out).not.toContain('<img');
    expect(out).toContain('&lt;img src=x&gt;');
  });
});
