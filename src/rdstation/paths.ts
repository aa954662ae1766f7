/** RD Station's API paths, relative to the base URL: the client and the emulator share them. */

/** The webhook collection; one webhook is `${WEBHOOKS_PATH}/{uuid}`. */
export const WEBHOOKS_PATH = '/integrations/webhooks';

/** Which account a token belongs to: `{"name": …}`. */
export const ACCOUNT_INFO_PATH = '/marketing/account_info';

/** The OAuth token endpoint (code and refresh grants). */
export const TOKEN_PATH = '/auth/token';

/** RD's newer token endpoint (2-hour access tokens, rotating refresh tokens). */
export const OAUTH2_TOKEN_PATH = '/oauth2/token';

/** The OAuth authorization dialog users are sent to. */
export const DIALOG_PATH = '/auth/dialog';

/** The path of one webhook. */
export function webhookPath(uuid: string): string {
  return `${WEBHOOKS_PATH}/${encodeURIComponent(uuid)}`;
}
