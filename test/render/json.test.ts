import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import type { Plan } from '../../src/plan/types.js';
import { renderJson } from '../../src/render/json.js';
import { emptyPlan, richPlan } from './fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function valid(json: string): Plan {
  const doc = JSON.parse(json) as Plan;
  expect(validate.errors ?? []).toEqual([]);
  expect(validate(doc) ? [] : validate.errors).toEqual([]);
  return doc;
}

describe('renderJson', () => {
  it('renders the contract', () => {
    expect(renderJson(richPlan())).toMatchSnapshot();
  });

  it.each([
    ['a rich plan', richPlan(), {}],
    ['a rich plan with secrets shown', richPlan(), { showSensitive: true }],
    ['an empty plan', emptyPlan(), {}],
  ])('validates against schemas/plan.schema.json: %s', (_name, plan, options) => {
    valid(renderJson(plan, options));
  });

  it('keeps the exact data with showSensitive', () => {
    const plan = richPlan();
    expect(JSON.parse(renderJson(plan, { showSensitive: true }))).toEqual({ ...JSON.parse(JSON.stringify(plan)), sensitive_values: 'shown' });
  });

  it('masks credentials and marks the masked fields', () => {
    const out = renderJson(richPlan());
    for (const secret of ['hunter2', 'OLDSECRET', 'NEWSECRET']) expect(out).not.toContain(secret);
    const doc = valid(out);
    const update = doc.changes.find((c) => c.address === 'token-rotated');
    expect(update?.action === 'update' && update.fields).toEqual([
      { path: 'url', before: 'https://hooks.example.com/rd/token?token=***&v=***', after: 'https://hooks.example.com/rd/token?token=***&v=***', sensitive: true },
    ]);
  });

  it('escapes control and bidi characters instead of printing them', () => {
    const out = renderJson(richPlan(), { showSensitive: true });
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(out).toContain('\\u001b[31mred\\u001b[0m\\u202eevil\\u0085');
  });

  it('leaves out unsafe when the plan is safe', () => {
    expect(JSON.parse(renderJson(emptyPlan()))).not.toHaveProperty('unsafe');
  });

  it('rejects what the contract does not allow', () => {
    const doc = JSON.parse(renderJson(richPlan())) as Record<string, unknown>;
    expect(validate({ ...doc, extra: 1 })).toBe(false);
    expect(validate({ ...doc, format_version: 1 })).toBe(false);
    expect(validate({ ...doc, changes: [{ action: 'update', address: 'x' }] })).toBe(false);
  });
});
