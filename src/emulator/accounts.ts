/**
 * The emulator's accounts. RD's model: one OAuth app (client id and secret) authorized by many accounts, each
 * authorization with its own refresh token; each account has its own webhooks, name and state file.
 */
import { resolve } from 'node:path';
import { UserError } from '../shared/errors.js';
import type { WireWebhook } from '../rdstation/wire.js';
import { readWebhooksFile, writeState } from './state.js';
import { DEFAULT_PLATFORM_ACCOUNT_ID, EmulatorStore } from './store.js';

/** One account of the emulator. Unset fields take the emulator-wide setting, then the defaults. */
export interface AccountOptions {
  /** What `GET /marketing/account_info` answers; unique within the emulator. */
  name: string;
  /** The refresh token this account's authorization starts with; unique within the emulator. */
  refreshToken?: string;
  /** An authorization code the token endpoint accepts once for this account. */
  authCode?: string;
  /** The OAuth app; by default the one app every account shares. */
  clientId?: string;
  clientSecret?: string;
  /** Webhooks to start with when there is no state file yet (RD's list objects). */
  seed?: readonly WireWebhook[];
  /** JSON state file: loaded at start, rewritten atomically after each change. */
  state?: string;
  platformAccountId?: string;
  /** Issue a new refresh token on every refresh and revoke the old one (RD's newer endpoints do). */
  rotateRefreshTokens?: boolean;
  /** A refresh token unused for this many seconds is refused with INVALID_REFRESH_TOKEN (RD's newer endpoints: 14 days). */
  refreshTokenIdleExpirySec?: number;
}

/** The settings that apply to every account unless it sets its own. */
export interface AccountDefaults {
  clientId?: string;
  clientSecret?: string;
  rotateRefreshTokens?: boolean;
  refreshTokenIdleExpirySec?: number;
}

/** The credentials an account's token endpoint accepts. Live: a rotation replaces refreshToken, and so may tests. */
export interface AccountCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  authCode: string;
}

/** The credentials the emulator accepts unless told otherwise; documented for users of `rdhooks emulator`. */
export const EMULATOR_CREDENTIALS = {
  clientId: 'rdhooks-emulator',
  clientSecret: 'rdhooks-emulator-secret',
  refreshToken: 'rdhooks-emulator-refresh-token',
  authCode: 'rdhooks-emulator-code',
} as const;

/** The name of the account an emulator started without `accounts` has. */
export const DEFAULT_ACCOUNT_NAME = 'RD Station emulator';

/** A running account: its store and the state of its authorization. */
export interface EmulatorAccount {
  readonly name: string;
  readonly store: EmulatorStore;
  readonly credentials: AccountCredentials;
  readonly rotateRefreshTokens: boolean;
  readonly refreshTokenIdleExpirySec: number | undefined;
  /** When the refresh token was last issued or used, in ms. */
  refreshTokenUsedAt: number;
  /** Whether the fixed authorization code was exchanged already. */
  authCodeUsed: boolean;
  /** Resolves when every state write so far is done. */
  flush(): Promise<void>;
}

/** What opening accounts needs besides their options. */
export interface OpenOptions {
  now: () => number;
  /** Asked on each create whether the target URL answers 2xx. */
  validateUrl: (url: string) => Promise<boolean>;
}

/**
 * The default credentials of the account at `index`: the emulator's own for the first, numbered ones for the rest,
 * so that every account's refresh token and code stay distinct and predictable.
 */
function defaultCredentials(index: number): { refreshToken: string; authCode: string; platformAccountId: string } {
  const suffix = index === 0 ? '' : `-${index + 1}`;
  return {
    refreshToken: `${EMULATOR_CREDENTIALS.refreshToken}${suffix}`,
    authCode: `${EMULATOR_CREDENTIALS.authCode}${suffix}`,
    platformAccountId: (BigInt(DEFAULT_PLATFORM_ACCOUNT_ID) + BigInt(index)).toString(),
  };
}

/** Refuses a list of accounts two of which could not be told apart (same name, refresh token, code or state file). */
export function checkAccounts(accounts: readonly AccountOptions[]): void {
  if (accounts.length === 0) throw new UserError('The emulator needs at least one account.', 'Pass accounts: [{ name: "…" }], or leave accounts out for one default account.');
  accounts.forEach((a, i) => {
    if (typeof a.name !== 'string' || !a.name.trim()) {
      throw new UserError(`Emulator account #${i + 1} has no name.`, 'Give every account a non-empty name: it is what GET /marketing/account_info answers.');
    }
  });
  const distinct = (label: string, values: (string | undefined)[], secret: boolean): void => {
    const seen = new Set<string>();
    for (const v of values) {
      if (v === undefined) continue;
      if (seen.has(v)) throw new UserError(`Two emulator accounts share the ${label}${secret ? '' : ` ${JSON.stringify(v)}`}.`, `Give each account its own ${label}.`);
      seen.add(v);
    }
  };
  distinct('name', accounts.map((a) => a.name), false);
  distinct('refresh token', accounts.map((a, i) => a.refreshToken ?? defaultCredentials(i).refreshToken), true);
  distinct('authorization code', accounts.map((a, i) => a.authCode ?? defaultCredentials(i).authCode), true);
  distinct('state file', accounts.map((a) => (a.state === undefined ? undefined : resolve(a.state))), false);
}

/** Opens one account: loads its state file (or seed), and persists every change from then on. */
export async function openAccount(spec: AccountOptions, index: number, defaults: AccountDefaults, options: OpenOptions): Promise<EmulatorAccount> {
  const fallback = defaultCredentials(index);
  const saved = spec.state ? await readWebhooksFile(spec.state, 'state') : undefined;
  const store = new EmulatorStore({
    seed: saved?.webhooks ?? spec.seed ?? [],
    platformAccountId: saved?.platform_account_id ?? spec.platformAccountId ?? fallback.platformAccountId,
    now: options.now,
    validateUrl: options.validateUrl,
  });
  let writing: Promise<void> = Promise.resolve();
  const file = spec.state;
  if (file) {
    store.onChange = () => {
      // Writes run one after another so an older snapshot never overwrites a newer one.
      writing = writing.catch(() => undefined).then(() => writeState(file, { version: 1, platform_account_id: store.platformAccountId, webhooks: store.snapshot() }));
      return writing;
    };
    if (!saved) await store.onChange();
  }
  return {
    name: spec.name,
    store,
    credentials: {
      clientId: spec.clientId ?? defaults.clientId ?? EMULATOR_CREDENTIALS.clientId,
      clientSecret: spec.clientSecret ?? defaults.clientSecret ?? EMULATOR_CREDENTIALS.clientSecret,
      refreshToken: spec.refreshToken ?? fallback.refreshToken,
      authCode: spec.authCode ?? fallback.authCode,
    },
    rotateRefreshTokens: spec.rotateRefreshTokens ?? defaults.rotateRefreshTokens ?? false,
    refreshTokenIdleExpirySec: spec.refreshTokenIdleExpirySec ?? defaults.refreshTokenIdleExpirySec,
    refreshTokenUsedAt: options.now(),
    authCodeUsed: false,
    flush: () => writing.catch(() => undefined),
  };
}
