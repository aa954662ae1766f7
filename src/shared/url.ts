/** URLs: their canonical form (what identity compares), masking their credentials, and loopback hosts. */

/** What a masked part reads as. */
export const MASK = '***';

const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/s;
// A URL inside prose: up to a space or a quote, not counting trailing punctuation of the sentence. Other
// whitespace and control characters count as part of the URL, so none can end it early and expose the rest.
const URL_IN_TEXT = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^ "'<>`]*[^ "'<>`).,;:!?]/g;

/** What replaces a secret part of a URL: `***` by default. */
export type Masker = (secret: string) => string;

/**
 * The URL with user info and every query value replaced by `***` (or what `mask` makes of each), the rest kept as
 * written (no URL parsing, which would re-encode and so change what the user recognizes). A query key without
 * `=` may itself be a token (`?s3cr3t`), so it is masked whole.
 */
export function maskUrl(url: string, mask: Masker = () => MASK): string {
  const m = URL_PARTS.exec(url);
  if (!m) return url;
  const [, scheme = '', authority = '', path = '', query, fragment = ''] = m;
  const at = authority.lastIndexOf('@');
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  const host =
    at < 0
      ? authority
      : `${colon < 0 ? mask(userinfo) : `${mask(userinfo.slice(0, colon))}:${mask(userinfo.slice(colon + 1))}`}${authority.slice(at)}`;
  const maskedQuery =
    query === undefined
      ? ''
      : `?${query
          .slice(1)
          .split('&')
          .map((p) => {
            const eq = p.indexOf('=');
            if (p === '') return p;
            if (eq < 0) return mask(p);
            return eq === p.length - 1 ? p : `${p.slice(0, eq + 1)}${mask(p.slice(eq + 1))}`;
          })
          .join('&')}`;
  return `${scheme}${host}${path}${maskedQuery}${fragment}`;
}

/** Free text (addresses, messages) with every URL in it masked. */
export function maskUrlsIn(text: string, mask?: Masker): string {
  return text.replace(URL_IN_TEXT, (url) => maskUrl(url, mask));
}

/** The canonical forms parsed so far; bounded, so a long-lived process (the emulator, a library user) stays small. */
const canonicalForms = new Map<string, string>();
const MAX_REMEMBERED = 100_000;

/**
 * The form a WHATWG URL parser gives an http(s) URL: scheme and host lower-case, the default port dropped, an IDN
 * host in punycode, dot segments resolved, an empty path as `/`. Identity, ignore rules and diffs compare this
 * form, so nothing depends on how RD stores a URL. Anything else (not a URL, another scheme) stays as given.
 */
export function canonicalUrl(url: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  // A plan asks for each webhook's form several times (rules, matching, collisions, diffs): parse each URL once.
  let canonical = canonicalForms.get(url);
  if (canonical === undefined) {
    try {
      canonical = new URL(url).href;
    } catch {
      canonical = url;
    }
    if (canonicalForms.size >= MAX_REMEMBERED) canonicalForms.clear();
    canonicalForms.set(url, canonical);
  }
  return canonical;
}

// A placeholder for `*` that survives URL parsing unchanged: lower-case letters, in no real URL.
const STAR = 'rdhooksstarx';

/** An ignore rule's url pattern in canonical form; its `*` wildcards stay wildcards. */
export function canonicalUrlPattern(pattern: string): string {
  if (pattern.includes(STAR)) return pattern;
  const canonical = canonicalUrl(pattern.replaceAll('*', STAR)).replaceAll(STAR, '*');
  // "https://legacy.example.com*" covers every path there: the "/" a parser gives an empty path would narrow it.
  return /^[^:/?#]+:\/\/[^/?#]*\*$/.test(pattern) && canonical.endsWith('*/') ? canonical.slice(0, -1) : canonical;
}

/** Whether a host name is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
