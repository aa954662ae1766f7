/** Credentials from the environment and an access-token provider that exchanges and refreshes them. */
import { UserError } from '../shared/errors.js';
import { sanitize } from './errors.js';

/** What rdhooks needs to exchange a refresh token for an access token. */
export interface RefreshCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** Credentials: an access token, refresh credentials, or both (the token is used first, refreshed on 401). */
export interface Credentials {
  accessToken?: string;
  refresh?: RefreshCredentials;
}

/** The environment variables rdhooks reads credentials from. */
export const CREDENTIAL_VARS = {
  accessToken: 'RDSTATION_ACCESS_TOKEN',
  clientId: 'RDSTATION_CLIENT_ID',
  clientSecret: 'RDSTATION_CLIENT_SECRET',
  refreshToken: 'RDSTATION_REFRESH_TOKEN',
} as const;

/**
 * Reads credentials from the environment only; throws a UserError naming the variables when they are missing, under
 * `shownPrefix` when the caller read them under another prefix than `RDSTATION_` (a workspace account's).
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv, shownPrefix = 'RDSTATION_'): Credentials {
  const shown = (name: string): string => `${shownPrefix}${name.slice('RDSTATION_'.length)}`;
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const accessToken = get(CREDENTIAL_VARS.accessToken);
  const clientId = get(CREDENTIAL_VARS.clientId);
  const clientSecret = get(CREDENTIAL_VARS.clientSecret);
  const refreshToken = get(CREDENTIAL_VARS.refreshToken);
  const refreshVars = [
    [CREDENTIAL_VARS.clientId, clientId],
    [CREDENTIAL_VARS.clientSecret, clientSecret],
    [CREDENTIAL_VARS.refreshToken, refreshToken],
  ] as const;
  const missing = refreshVars.filter(([, v]) => v === undefined).map(([n]) => shown(n));
  const creds: Credentials = {};
  if (accessToken) creds.accessToken = accessToken;
  if (clientId && clientSecret && refreshToken) creds.refresh = { clientId, clientSecret, refreshToken };
  if (!creds.accessToken && !creds.refresh) {
    if (missing.length < refreshVars.length) {
      throw new UserError(
        `Incomplete RD Station credentials: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set.`,
        `Set ${shown(CREDENTIAL_VARS.clientId)}, ${shown(CREDENTIAL_VARS.clientSecret)} and ${shown(CREDENTIAL_VARS.refreshToken)} together, or set ${shown(CREDENTIAL_VARS.accessToken)}; or run with --emulator to try rdhooks offline.`,
      );
    }
    throw new UserError(
      'No RD Station credentials: none in the environment or a credentials file.',
      `Set ${shown(CREDENTIAL_VARS.accessToken)}, or ${shown(CREDENTIAL_VARS.clientId)} + ${shown(CREDENTIAL_VARS.clientSecret)} + ${shown(CREDENTIAL_VARS.refreshToken)} (rdhooks auth exchange --credentials-file .rdhooks/credentials.env saves them); or run with --emulator to try rdhooks offline.`,
    );
  }
  return creds;
}

/** The body of a successful `POST /auth/token`. */
export interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
}

/** Performs the token request (the HTTP client supplies it, so this module does no I/O of its own). */
export type TokenExchange = (body: { client_id: string; client_secret: string; refresh_token: string }) => Promise<TokenResponse>;

/** Keeps a new refresh token (in a secret store, a file…); awaited before the new access token is used. */
export type RefreshTokenSaver = (newToken: string) => Promise<void>;

/** Options of the token provider. */
export interface TokenProviderOptions {
  /** Notices for the user (stderr); never receives a secret. */
  notice?: (line: string) => void;
  /** Called whenever RD answers a refresh token other than the one in use; without it, a notice says so. */
  onRefreshTokenRotated?: RefreshTokenSaver;
  /** Called with every secret as it becomes known, so logs and errors can redact it. */
  onSecret?: (secret: string) => void;
  now?: () => number;
}

// Refresh a little before RD says the token expires, so a long apply does not straddle the expiry.
const EXPIRY_MARGIN_MS = 60_000;

/** Hands out an access token: the configured one, or one exchanged on first use; refreshes on demand, once at a time. */
export class TokenProvider {
  private accessToken: string | undefined;
  private expiresAt: number | undefined;
  private refreshToken: string | undefined;
  private inflight: Promise<string> | undefined;
  private readonly exchanged = new Set<string>();
  private readonly now: () => number;

  constructor(
    private readonly creds: Credentials,
    private readonly exchange: TokenExchange,
    private readonly options: TokenProviderOptions = {},
  ) {
    this.accessToken = creds.accessToken;
    this.refreshToken = creds.refresh?.refreshToken;
    this.now = options.now ?? Date.now;
    for (const s of [creds.accessToken, creds.refresh?.clientSecret, creds.refresh?.refreshToken]) if (s) options.onSecret?.(s);
  }

  /** Whether a 401 can be answered by refreshing. */
  get canRefresh(): boolean {
    return this.creds.refresh !== undefined;
  }

  /** Whether `token` came from a successful exchange (so the credentials are known good). */
  fromExchange(token: string): boolean {
    return this.exchanged.has(token);
  }

  /** The access token to send; exchanges refresh credentials on first use or near expiry. */
  async token(): Promise<string> {
    if (this.accessToken && (this.expiresAt === undefined || this.now() < this.expiresAt - EXPIRY_MARGIN_MS)) {
      return this.accessToken;
    }
    if (!this.canRefresh) {
      if (this.accessToken) return this.accessToken;
      throw new Error('TokenProvider has neither an access token nor refresh credentials');
    }
    return this.refresh();
  }

  /** Exchanges the refresh token for a new access token; concurrent callers share one exchange. */
  refresh(): Promise<string> {
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async doRefresh(): Promise<string> {
    const refresh = this.creds.refresh;
    if (!refresh || !this.refreshToken) throw new Error('no refresh credentials');
    const res = await this.exchange({
      client_id: refresh.clientId,
      client_secret: refresh.clientSecret,
      refresh_token: this.refreshToken,
    });
    this.options.onSecret?.(res.access_token);
    if (res.refresh_token && res.refresh_token !== this.refreshToken) {
      this.options.onSecret?.(res.refresh_token);
      // The old token may be revoked already: from now on only the new one can refresh, whatever follows.
      this.refreshToken = res.refresh_token;
      await this.keep(res.refresh_token);
    }
    this.accessToken = res.access_token;
    this.exchanged.add(res.access_token);
    // Read expires_in: RD's tokens last 24 h on /auth/token but 2 h on newer endpoints; never assume.
    this.expiresAt = typeof res.expires_in === 'number' && res.expires_in > 0 ? this.now() + res.expires_in * 1000 : undefined;
    return res.access_token;
  }

  /** Hands a new refresh token to the caller's saver, or tells the user it must be stored by hand. */
  private async keep(token: string): Promise<void> {
    const save = this.options.onRefreshTokenRotated;
    if (!save) {
      this.options.notice?.(
        `warning: RD Station issued a new refresh token (not shown); rdhooks uses it for the rest of this run. ` +
          `The one in ${CREDENTIAL_VARS.refreshToken} may stop working: if a later run fails with INVALID_REFRESH_TOKEN, ` +
          `authorize the app again (rdhooks auth url, then rdhooks auth exchange) and store the new refresh token in ${CREDENTIAL_VARS.refreshToken} (e.g. your CI secret).`,
      );
      return;
    }
    try {
      await save(token);
    } catch (err) {
      const why = sanitize(err instanceof Error ? err.message : String(err)) || 'no reason given';
      throw new UserError(
        `RD Station issued a new refresh token, and saving it failed: ${why}`,
        `rdhooks stopped before using it. The refresh token in ${CREDENTIAL_VARS.refreshToken} may already be revoked: fix what made saving fail and run again; ` +
          'if RD Station then answers INVALID_REFRESH_TOKEN, authorize the app again (rdhooks auth url, then rdhooks auth exchange).',
      );
    }
  }
}
