/** What the workflow needs of an account: its API, and how plans name where it is. */
import { UserError } from '../shared/errors.js';
import type { WebhookApi } from '../rdstation/api.js';
import type { RemoteWebhook } from '../shared/webhook.js';

/** An open connection to one RD Station account (or the emulator). */
export interface AccountSession {
  api: WebhookApi;
  /** Recorded in plans: the API URL, or a stable label for the emulator. */
  apiUrl: string;
}

/** The credentials belong to another account than the manifest (or saved plan) is for; nothing was written. */
export class WrongAccountError extends UserError {
  override readonly name = 'WrongAccountError';
}

/** The account a manifest (or saved plan) is for, and where that is said, for the message. */
export interface ExpectedAccount {
  name: string;
  source: string;
}

/**
 * Refuses an account name other than the one expected (the manifest's `account:`, or the account a saved plan was
 * made on): an agency's token for client B must never apply client A's manifest.
 */
export function checkAccount(name: string, expected: ExpectedAccount | undefined): void {
  if (expected !== undefined && name.trim() !== expected.name.trim()) {
    throw new WrongAccountError(
      `The credentials belong to the RD Station account "${name}", but ${expected.source} is for "${expected.name}"; nothing was changed.`,
      'Use the credentials of that account, or fix the account name if it was renamed.',
    );
  }
}

/** The account's name and its webhooks, as one listing took them. */
export interface AccountListing {
  account: string;
  listing: RemoteWebhook[];
}

/**
 * The account's name (checked against `expected`) and its listing, asked together: neither call has side effects.
 * A failure of the name is reported before one of the listing, whichever arrives first, so errors do not vary.
 */
export async function nameAndListing(session: AccountSession, expected?: ExpectedAccount): Promise<AccountListing> {
  const [info, listing] = await Promise.allSettled([session.api.accountInfo(), session.api.list()]);
  if (info.status === 'rejected') throw info.reason;
  checkAccount(info.value.name, expected);
  if (listing.status === 'rejected') throw listing.reason;
  return { account: info.value.name, listing: listing.value };
}
