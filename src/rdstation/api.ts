/** The contract every RD Station webhook backend implements: the HTTP client, the emulator's store, test doubles. */
import type { RemoteWebhook, WebhookSpec } from '../shared/webhook.js';

/** Which account a token belongs to, as `GET /marketing/account_info` says (a name: not unique, can change). */
export interface AccountInfo {
  name: string;
}

/** The five webhook operations of RD Station Marketing, and the account the credentials belong to. */
export interface WebhookApi {
  /** Every webhook the integration can see (the list is not paginated). */
  list(): Promise<RemoteWebhook[]>;
  get(uuid: string): Promise<RemoteWebhook>;
  create(spec: WebhookSpec): Promise<RemoteWebhook>;
  /** PUT of the whole object. */
  update(uuid: string, spec: WebhookSpec): Promise<RemoteWebhook>;
  delete(uuid: string): Promise<void>;
  /** `GET /marketing/account_info`: the account the credentials were authorized for. */
  accountInfo(): Promise<AccountInfo>;
}

/** An API call rdhooks makes; hints and retries depend on it. `token` refreshes, `code` trades an authorization code. */
export type Operation = 'list' | 'get' | 'create' | 'update' | 'delete' | 'account' | 'token' | 'code';

/** Where progress, notices and debug lines go; library code never prints. */
export type Logger = (line: string) => void;
