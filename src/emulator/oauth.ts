/**
 * The emulator's OAuth side: the token endpoint (code and refresh grants, rotation, idle expiry), the consent
 * dialog, and the access tokens it issues, each bound to the account that authorized it. No HTTP here: requests
 * come in as parameters, answers go out as status and body.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorAccount } from './accounts.js';
import type { StoreReply } from './store.js';

/** An RD error body. */
export function rdError(status: number, type: string, message: string): StoreReply {
  return { status, body: { errors: { error_type: type, error_message: message } } };
}

/** RD's answer to missing parameters: one entry per parameter. */
function cannotBeNull(names: string[], where: 'body' | 'query'): StoreReply {
  return { status: 400, body: { errors: names.map((k) => ({ error_type: 'CANNOT_BE_NULL', error_message: 'Cannot be null.', path: `${where}.${k}` })) } };
}

const ACCESS_DENIED = rdError(401, 'ACCESS_DENIED', 'Wrong credentials provided.');
const EXPIRED_CODE = rdError(401, 'EXPIRED_CODE_GRANT', 'The authorization code grant has expired.');
const INVALID_REFRESH = rdError(401, 'INVALID_REFRESH_TOKEN', 'The provided refresh token is invalid or was revoked.');

/** How long a code from the dialog lasts, as RD documents. */
const CODE_LIFETIME_MS = 3600 * 1000;

/** What the dialog answers: a redirect to the app's callback with a code, or an error. */
export type DialogAnswer = { status: 302; location: string } | StoreReply;

/** Issues and checks access tokens and authorization codes for a set of accounts. */
export class Authority {
  /** Access tokens: their account and expiry time. */
  private readonly tokens = new Map<string, { account: EmulatorAccount; expiresAt: number }>();
  /** Codes the dialog issued, until used. */
  private readonly codes = new Map<string, { account: EmulatorAccount; expiresAt: number }>();

  constructor(
    private readonly accounts: readonly EmulatorAccount[],
    private readonly options: { now: () => number; lifetimeSec: number },
  ) {}

  /** Issues an access token for `account`, as if the token endpoint had. */
  issueToken(account: EmulatorAccount, lifetimeSec = this.options.lifetimeSec): string {
    const token = `emu_${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { account, expiresAt: this.options.now() + lifetimeSec * 1000 });
    return token;
  }

  /** The account an unexpired access token was issued for. */
  accountOf(token: string): EmulatorAccount | undefined {
    const t = this.tokens.get(token);
    return t && t.expiresAt > this.options.now() ? t.account : undefined;
  }

  /** Makes every issued access token expired. */
  expireAll(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  /** Every access token issued so far. */
  issued(): string[] {
    return [...this.tokens.keys()];
  }

  /**
   * `POST /auth/token` (and `/oauth2/token`): the app's credentials pick the accounts it may speak for; the code or
   * the refresh token picks the account among them.
   */
  token(params: Record<string, unknown>): StoreReply {
    const missing = ['client_id', 'client_secret'].filter((k) => typeof params[k] !== 'string' || !params[k]);
    if (missing.length) return cannotBeNull(missing, 'body');
    const app = this.accounts.filter((a) => a.credentials.clientId === params.client_id && a.credentials.clientSecret === params.client_secret);
    if (app.length === 0) return ACCESS_DENIED;
    const grant = typeof params.grant_type === 'string' ? params.grant_type : params.code !== undefined ? 'authorization_code' : 'refresh_token';
    let account: EmulatorAccount | undefined;
    if (grant === 'authorization_code') {
      account = this.redeemCode(app, typeof params.code === 'string' ? params.code : '');
      if (!account) return EXPIRED_CODE;
    } else if (grant === 'refresh_token') {
      account = app.find((a) => a.credentials.refreshToken === params.refresh_token);
      if (!account) return INVALID_REFRESH;
      const idle = account.refreshTokenIdleExpirySec;
      if (idle !== undefined && this.options.now() - account.refreshTokenUsedAt >= idle * 1000) return INVALID_REFRESH;
      if (account.rotateRefreshTokens) account.credentials.refreshToken = `emu_refresh_${randomBytes(16).toString('base64url')}`;
    } else {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: `Unsupported grant_type "${grant}".` } };
    }
    account.refreshTokenUsedAt = this.options.now();
    return { status: 200, body: { access_token: this.issueToken(account), expires_in: this.options.lifetimeSec, refresh_token: account.credentials.refreshToken } };
  }

  /** The account a code was issued for, once: a code from the dialog within its hour, or the account's fixed code. */
  private redeemCode(app: readonly EmulatorAccount[], code: string): EmulatorAccount | undefined {
    const issued = this.codes.get(code);
    if (issued) {
      this.codes.delete(code);
      return issued.expiresAt > this.options.now() && app.includes(issued.account) ? issued.account : undefined;
    }
    const account = app.find((a) => a.credentials.authCode === code && !a.authCodeUsed);
    if (account) account.authCodeUsed = true;
    return account;
  }

  /**
   * `GET /auth/dialog`, with the user's consent taken as given: redirects to `redirect_uri?code=…` with a fresh code
   * for the account chosen (`account=NAME`, default the first), valid for 1 hour and one exchange, as RD documents.
   */
  dialog(query: URLSearchParams): DialogAnswer {
    const clientId = query.get('client_id');
    const redirect = query.get('redirect_uri');
    const missing = [['client_id', clientId], ['redirect_uri', redirect]].filter(([, v]) => !v).map(([k]) => k as string);
    if (missing.length) return cannotBeNull(missing, 'query');
    const name = query.get('account');
    const account = name === null ? this.accounts[0] : this.accounts.find((a) => a.name === name);
    if (!account) {
      return rdError(400, 'INVALID_ACCOUNT', `No account is named "${name}" here; the emulator has ${this.accounts.map((a) => `"${a.name}"`).join(', ')}.`);
    }
    if (clientId !== account.credentials.clientId) return ACCESS_DENIED;
    let target: URL;
    try {
      target = new URL(redirect as string);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error('not http');
    } catch {
      return rdError(400, 'INVALID_REDIRECT_URI', 'The redirect_uri must be an absolute http(s) URL.');
    }
    const code = `emu_code_${randomBytes(16).toString('hex')}`;
    this.codes.set(code, { account, expiresAt: this.options.now() + CODE_LIFETIME_MS });
    target.searchParams.set('code', code);
    return { status: 302, location: target.toString() };
  }
}
