/** Matching webhooks against `ignore:` rules; shared by the manifest checks and the planner. */
import { canonicalUrl } from '../shared/url.js';
import type { IgnoreRule } from './types.js';

/** The fields of a webhook an ignore rule can look at. */
export interface IgnorableWebhook {
  uuid?: string | undefined;
  event_type?: string | undefined;
  url?: string | undefined;
}

/** True when `url` matches `pattern`, where `*` stands for any run of characters (including none). */
export function matchesUrlPattern(pattern: string, url: string): boolean {
  // Greedy matching that retries from the last `*`: at worst pattern × url steps. The regex it replaces
  // (each `*` as `.*`) backtracked polynomially in the number of stars: "*a*a*a*a*a*!" took minutes.
  let p = 0;
  let u = 0;
  let star = -1;
  let resume = 0;
  while (u < url.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = u;
    } else if (p < pattern.length && pattern[p] === url[u]) {
      p++;
      u++;
    } else if (star >= 0) {
      p = star + 1;
      u = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * True when every field `rule` gives matches `webhook`; a field the rule gives but the webhook lacks (an entry
 * without uuid) does not match. uuids compare case-insensitively; the url pattern, in canonical form (as
 * normalizeManifest leaves it), is matched against the webhook's url in canonical form, however RD spells it.
 * A rule with no fields matches nothing.
 */
export function matchesIgnoreRule(rule: IgnoreRule, webhook: IgnorableWebhook): boolean {
  if (rule.uuid === undefined && rule.event_type === undefined && rule.url === undefined) return false;
  if (rule.uuid !== undefined && rule.uuid.toLowerCase() !== webhook.uuid?.toLowerCase()) return false;
  if (rule.event_type !== undefined && rule.event_type !== webhook.event_type) return false;
  if (rule.url !== undefined && (webhook.url === undefined || !matchesUrlPattern(rule.url, canonicalUrl(webhook.url)))) return false;
  return true;
}
