/** The contract every RD Station webhook backend implements: the HTTP client, the emulator's store, test fakes. */
import type { RemoteWebhook, WebhookSpec } from '../shared/webhook.js';

/** The five webhook operations of RD Station Marketing. */
export interface WebhookApi {
  /** Every webhook the integration can see (the list is not paginated). */
  list(): Promise<RemoteWebhook[]>;
  get(uuid: string): Promise<RemoteWebhook>;
  create(spec: WebhookSpec): Promise<RemoteWebhook>;
  /** PUT of the whole object. */
  update(uuid: string, spec: WebhookSpec): Promise<RemoteWebhook>;
  delete(uuid: string): Promise<void>;
  /** Which account the credentials belong to (`GET /marketing/account_info`). */
  accountInfo(): Promise<{ name: string }>;
}

/** Where progress, notices and debug lines go; library code never prints. */
export type Logger = (line: string) => void;
