/** Picks the plan renderer for a --format value. */
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderText } from '../render/text.js';
import type { Plan } from '../plan/types.js';

/** The plan in the requested format. */
export function renderPlan(plan: Plan, format: 'text' | 'json' | 'markdown', options: { showSensitive: boolean; color: boolean }): string {
  switch (format) {
    case 'json':
      return renderJson(plan, options);
    case 'markdown':
      return renderMarkdown(plan, options);
    case 'text':
      return renderText(plan, options);
  }
}
