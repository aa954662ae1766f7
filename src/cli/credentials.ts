/**
 * Where credentials come from, and where a rotated refresh token goes: the environment, a file named by
 * RDSTATION_REFRESH_TOKEN_FILE, or an env file (by default .rdhooks/credentials.env, which `auth exchange
 * --credentials-file` writes). RD may answer a refresh with a new refresh token and retire the old one: it is
 * written back where the old one came from, or, in GitHub Actions, handed to the workflow; never silently lost.
 */
import { join, resolve } from 'node:path';
import { credentialsFromEnv, type Credentials, type RefreshTokenSaver } from '../rdstation/auth.js';
import { UserError } from '../shared/errors.js';
import { readEnvFile, writeEnvValues } from '../shared/env-file.js';
import { readRegularFile } from '../shared/files.js';
import { escapeControl } from '../shared/text.js';
import { writeOutputFile } from '../shared/write-file.js';
import type { Io } from './io.js';

/** The env file every command reads when it exists, relative to the working directory. */
export const DEFAULT_CREDENTIALS_FILE = join('.rdhooks', 'credentials.env');

/** The variable names, after a prefix: `RDSTATION_` + `CLIENT_ID`. */
const NAMES = ['ACCESS_TOKEN', 'CLIENT_ID', 'CLIENT_SECRET', 'REFRESH_TOKEN'] as const;

/** Where the refresh token in use came from. */
export type RefreshSource = { kind: 'env'; variable: string } | { kind: 'token-file'; path: string; shownAs: string } | { kind: 'env-file'; path: string; shownAs: string; variable: string };

/** Credentials, and where their refresh token came from (absent for an access token alone). */
export interface LoadedCredentials {
  credentials: Credentials;
  refreshFrom?: RefreshSource;
}

/** Where to look: the environment under a prefix, and an env file (the default one only when it exists). */
export interface CredentialSource {
  /** `RDSTATION_` by default; a workspace gives each account its own. */
  prefix?: string;
  /** An env file to read; when not given, the default one, if present. */
  envFile?: string;
  /** Read the env file alone, not the environment (a workspace account whose credentials are in its own file). */
  fileOnly?: boolean;
}

/** Reads credentials: the environment first, then RDSTATION_REFRESH_TOKEN_FILE, then the env file. */
export async function loadCredentials(io: Io, source: CredentialSource = {}): Promise<LoadedCredentials> {
  const prefix = source.prefix ?? 'RDSTATION_';
  const shownAs = source.envFile ?? DEFAULT_CREDENTIALS_FILE;
  const envPath = resolve(io.cwd, shownAs);
  const fromFile = (await readEnvFile(envPath).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read the credentials file ${escapeControl(shownAs)}: ${err.message}.`, 'It holds KEY=value lines, as rdhooks auth exchange --credentials-file writes them.');
  })) ?? (source.envFile === undefined ? {} : missingFile(shownAs));
  const value = (name: string): string | undefined => (source.fileOnly ? undefined : io.env[`${prefix}${name}`]?.trim() || undefined);
  const merged: Record<string, string | undefined> = {};
  for (const name of NAMES) merged[`RDSTATION_${name}`] = value(name) ?? (fromFile[`${prefix}${name}`]?.trim() || undefined);

  let refreshFrom: RefreshSource | undefined;
  const tokenFile = value('REFRESH_TOKEN_FILE');
  if (value('REFRESH_TOKEN')) refreshFrom = { kind: 'env', variable: `${prefix}REFRESH_TOKEN` };
  else if (tokenFile) {
    merged.RDSTATION_REFRESH_TOKEN = await readTokenFile(resolve(io.cwd, tokenFile), tokenFile);
    refreshFrom = { kind: 'token-file', path: resolve(io.cwd, tokenFile), shownAs: tokenFile };
  } else if (merged.RDSTATION_REFRESH_TOKEN) refreshFrom = { kind: 'env-file', path: envPath, shownAs, variable: `${prefix}REFRESH_TOKEN` };

  if (source.fileOnly && Object.values(merged).every((v) => v === undefined)) {
    throw new UserError(`No RD Station credentials in ${escapeControl(shownAs)}.`, 'It needs RDSTATION_CLIENT_ID, RDSTATION_CLIENT_SECRET and RDSTATION_REFRESH_TOKEN lines (rdhooks auth exchange --credentials-file FILE writes them), or RDSTATION_ACCESS_TOKEN.');
  }
  const credentials = credentialsFromEnv(merged, prefix);
  return credentials.refresh && refreshFrom ? { credentials, refreshFrom } : { credentials };
}

function missingFile(shownAs: string): never {
  throw new UserError(`the credentials file ${escapeControl(shownAs)} does not exist.`, 'Create it with: rdhooks auth exchange --code CODE --credentials-file FILE');
}

async function readTokenFile(path: string, shownAs: string): Promise<string> {
  try {
    const token = (await readRegularFile(path, 64 * 1024)).toString('utf8').trim();
    if (token) return token;
  } catch (err) {
    throw new UserError(`cannot read RDSTATION_REFRESH_TOKEN_FILE ${escapeControl(shownAs)}: ${(err as Error).message}.`, 'Point it at a file holding the refresh token alone.');
  }
  throw new UserError(`RDSTATION_REFRESH_TOKEN_FILE ${escapeControl(shownAs)} is empty.`, 'Point it at a file holding the refresh token alone.');
}

/** The refresh tokens rotated in this run, by the variable each replaces: the step output lists them all. */
const rotated = new Map<string, string>();

/**
 * What to do with a rotated refresh token: write it back to the file it came from (atomically, 0600); in GitHub
 * Actions, mask it and set the step output `refresh-tokens`, a JSON object from each variable whose token rotated
 * (`RDSTATION_REFRESH_TOKEN`, or a workspace account's) to its new token, for the workflow to store as secrets;
 * otherwise warn loudly that the stored one may stop working. Never printed.
 */
export function saveRotatedToken(from: RefreshSource, io: Io): RefreshTokenSaver {
  return async (token) => {
    if (from.kind === 'token-file') {
      await writeOutputFile(from.path, `${token}\n`, { shownAs: from.shownAs, mode: 0o600 });
      io.stderr.write(`RD Station issued a new refresh token; rdhooks saved it to ${escapeControl(from.shownAs)} (RDSTATION_REFRESH_TOKEN_FILE).\n`);
      return;
    }
    if (from.kind === 'env-file') {
      await writeEnvValues(from.path, { [from.variable]: token }, from.shownAs);
      io.stderr.write(`RD Station issued a new refresh token; rdhooks saved it to ${escapeControl(from.shownAs)}.\n`);
      return;
    }
    const output = io.env.GITHUB_OUTPUT;
    // A token is one word: anything else could smuggle lines into the step's outputs.
    if (io.env.GITHUB_ACTIONS === 'true' && output && /^\S+$/.test(token)) {
      // The runner reads workflow commands from stderr as well as stdout, and stdout carries the plan.
      io.stderr.write(`::add-mask::${token}\n`);
      rotated.set(from.variable, token);
      await writeOutputFile(resolve(io.cwd, output), `refresh-tokens=${JSON.stringify(Object.fromEntries(rotated))}\n`, { shownAs: 'GITHUB_OUTPUT', append: true });
      io.stderr.write(
        `::warning title=rdhooks: new refresh token::RD Station issued a new refresh token and may retire ${from.variable}. ` +
          'It is in this step\'s output "refresh-tokens" (masked): store it as the secret of that name (see the README, "Rotated refresh tokens").\n',
      );
      return;
    }
    io.stderr.write(
      [
        '',
        '!!! RD Station issued a new refresh token, and the one in ' + `${from.variable} may stop working. !!!`,
        '    rdhooks used the new one for this run but cannot store it: it came from the environment.',
        '    Keep refresh tokens in a file rdhooks can update: RDSTATION_REFRESH_TOKEN_FILE=path, or',
        `    ${DEFAULT_CREDENTIALS_FILE} (rdhooks auth exchange --credentials-file). If a later run fails with`,
        '    INVALID_REFRESH_TOKEN, authorize again: rdhooks auth url, then rdhooks auth exchange.',
        '',
      ].join('\n'),
    );
  };
}
