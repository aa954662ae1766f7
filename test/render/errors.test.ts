import { describe, expect, it } from '@jest/globals';
import { planWebhooks } from '../../src/plan/plan.js';
import { renderPlanErrors } from '../../src/render/errors.js';
import { aDesired, aManifest } from '../builders.js';

describe('renderPlanErrors', () => {
  const result = planWebhooks(
    aManifest({
      webhooks: [
        aDesired({ name: 'one', url: 'https://u:hunter2@h.example.com/x?t=\u001b[2Jzz' }),
        aDesired({ name: 'two', url: 'https://u:hunter2@h.example.com/x?t=\u001b[2Jzz', source: { file: 'webhooks.yaml', line: 9, column: 5 } }),
      ],
    }),
    [],
    { apiUrl: 'https://api.rd.services', account: 'Acme Marketing' },
  );
  const errors = result.ok ? [] : result.errors;

  it('prints each error with its hint, masked and stripped', () => {
    expect(renderPlanErrors(errors)).toMatchSnapshot();
    expect(renderPlanErrors(errors)).not.toContain('hunter2');
    expect(renderPlanErrors(errors)).not.toContain('\u001b');
  });

  it('shows credentials with showSensitive', () => {
    expect(renderPlanErrors(errors, { showSensitive: true })).toContain('hunter2');
  });
});
