/** Redaction: tokens and secrets never reach a log line or an error message. */

/** What replaces a secret. */
export const REDACTED = '[redacted]';

/** A function that hides secrets in a line of text. */
export type Redactor = (text: string) => string;

const PATTERNS: [RegExp, string][] = [
  [/(Bearer\s+)[^\s",;]+/gi, `$1${REDACTED}`],
  [/("(?:access_token|refresh_token|client_secret|code)"\s*:\s*")[^"]*(")/gi, `$1${REDACTED}$2`],
  [/\b((?:access_token|refresh_token|client_secret|code)=)[^&\s]+/gi, `$1${REDACTED}`],
];

/**
 * A redactor for the given secret values (the tokens and client secret in use) and for anything shaped like one
 * (a Bearer header, a token field in JSON or a form). Secrets may be added later, as new tokens arrive.
 */
export function createRedactor(initial: Iterable<string | undefined> = []): Redactor & { add(secret: string | undefined): void } {
  const secrets = new Set<string>();
  const add = (s: string | undefined): void => {
    // Very short values would redact ordinary words; real tokens are long.
    if (s && s.length >= 6) secrets.add(s);
  };
  for (const s of initial) add(s);
  const redact = (text: string): string => {
    let out = text;
    for (const s of secrets) out = out.split(s).join(REDACTED);
    for (const [re, by] of PATTERNS) out = out.replace(re, by);
    return out;
  };
  return Object.assign(redact, { add });
}
