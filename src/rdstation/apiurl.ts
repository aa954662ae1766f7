/** The API base URL: the default, and the rule that plain http is only for loopback hosts. */
import { UserError } from '../shared/errors.js';
import { isLoopbackHost } from '../shared/url.js';

/** RD Station's API. */
export const DEFAULT_API_URL = 'https://api.rd.services';


/** Checks and normalizes an API URL (no trailing slash); plain http is refused except for loopback hosts. */
export function checkApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UserError(`The API URL is not a URL.`, `Set RDSTATION_API_URL or --api-url to e.g. ${DEFAULT_API_URL}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`The API URL must use https (it starts with ${url.protocol}).`, `Set RDSTATION_API_URL or --api-url to e.g. ${DEFAULT_API_URL}.`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UserError(
      `Refusing plain http for ${url.host}: tokens would cross the network unencrypted.`,
      'Use an https:// API URL; plain http:// is only allowed for loopback hosts (localhost, 127.0.0.1, ::1), such as the emulator.',
    );
  }
  if (url.username || url.password) {
    throw new UserError('The API URL must not carry credentials (user:password@).', 'Credentials come from RDSTATION_ACCESS_TOKEN or RDSTATION_CLIENT_ID/SECRET/REFRESH_TOKEN; set the base URL only.');
  }
  if (url.search || url.hash) {
    throw new UserError('The API URL must not have a query or fragment.', `Set it to the base URL only, e.g. ${DEFAULT_API_URL}.`);
  }
  return url.toString().replace(/\/+$/, '');
}
