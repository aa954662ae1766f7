/** The API and token URLs: their defaults, and the rule that plain http is only for loopback hosts. */
import { UserError } from '../shared/errors.js';
import { isLoopbackHost } from '../shared/url.js';
import { TOKEN_PATH } from './paths.js';

/** RD Station's API. */
export const DEFAULT_API_URL = 'https://api.rd.services';

/** What a URL setting is called and what it looks like, for the messages. */
interface Setting {
  what: string;
  where: string;
  example: string;
}

const API_URL: Setting = { what: 'The API URL', where: 'RDSTATION_API_URL or --api-url', example: DEFAULT_API_URL };
const TOKEN_URL: Setting = { what: 'The token URL', where: 'RDSTATION_TOKEN_URL', example: `${DEFAULT_API_URL}${TOKEN_PATH}` };

/** Parses a URL setting: https, or http for loopback hosts only; no credentials, query or fragment. */
function checkUrl(raw: string, s: Setting): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UserError(`${s.what} is not a URL.`, `Set ${s.where} to e.g. ${s.example}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`${s.what} must use https (it starts with ${url.protocol}).`, `Set ${s.where} to e.g. ${s.example}.`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UserError(
      `Refusing plain http for ${url.host}: tokens would cross the network unencrypted.`,
      `Use an https:// URL in ${s.where}; plain http:// is only allowed for loopback hosts (localhost, 127.0.0.1, ::1), such as the emulator.`,
    );
  }
  if (url.username || url.password) {
    throw new UserError(`${s.what} must not carry credentials (user:password@).`, `Credentials come from RDSTATION_ACCESS_TOKEN or RDSTATION_CLIENT_ID/SECRET/REFRESH_TOKEN; set ${s.where} to the URL alone.`);
  }
  if (url.search || url.hash) {
    throw new UserError(`${s.what} must not have a query or fragment.`, `Set ${s.where} to the URL alone, e.g. ${s.example}.`);
  }
  return url;
}

/** Checks and normalizes an API URL (no trailing slash); plain http is refused except for loopback hosts. */
export function checkApiUrl(raw: string): string {
  return checkUrl(raw, API_URL).toString().replace(/\/+$/, '');
}

/** Checks a token endpoint URL (absolute, e.g. https://api.rd.services/oauth2/token) by the same rules as the API URL. */
export function checkTokenUrl(raw: string): string {
  return checkUrl(raw, TOKEN_URL).toString();
}
