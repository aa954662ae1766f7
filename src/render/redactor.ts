/** One place that turns plan values into printable text: masked unless asked, and stripped of controls. */
import { maskUrl, maskUrlsIn } from '../shared/url.js';
import { stripControl } from '../shared/text.js';

/** The options every renderer takes. */
export interface RenderOptions {
  /** Show URL credentials (user info, query values) instead of `***`. */
  showSensitive?: boolean;
}

/** How a renderer prints values from the plan. */
export interface Redactor {
  showSensitive: boolean;
  /** A webhook target URL. */
  url(value: string): string;
  /** Any other text; URLs inside it are masked too. */
  text(value: string): string;
}

/** A redactor for text and Markdown output, which must never carry control characters. */
export function redactor(options: RenderOptions = {}): Redactor {
  const showSensitive = options.showSensitive === true;
  return {
    showSensitive,
    // Stripping first: a control character inside a URL must not hide the rest of it from the mask.
    url: (v) => (showSensitive ? stripControl(v) : maskUrl(stripControl(v))),
    text: (v) => (showSensitive ? stripControl(v) : maskUrlsIn(stripControl(v))),
  };
}
