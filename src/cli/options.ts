/**
 * Flags: the one table of defaults `--help` shows, and the typed readers every command's parser uses. A reader
 * checks what yargs parsed and throws a UsageError naming the flag, so commands never cast argv.
 */
import { HTTP_DEFAULTS, MAX_TIMER_MS } from '../rdstation/defaults.js';
import { UsageError, type ParsedArgs } from './command.js';

/** Every flag default, in the unit the flag takes. */
export const DEFAULTS = {
  manifest: 'webhooks.yaml',
  rateLimit: HTTP_DEFAULTS.rateLimitPerMinute,
  timeout: HTTP_DEFAULTS.timeoutMs / 1000,
  retries: HTTP_DEFAULTS.maxAttempts - 1,
  deadline: HTTP_DEFAULTS.deadlineMs / 1000,
  concurrency: 4,
  parallel: 4,
} as const;

/** The longest duration a flag may give, in seconds: Node's timers overflow past 2^31-1 ms. */
export const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** A string flag; absent is undefined, and given without a value (`--out` at the end) is an error. */
export function stringFlag(argv: ParsedArgs, name: string): string | undefined {
  const v = argv[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw new UsageError(`--${name} is given ${v.length} times; give it once.`);
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} needs a value.`);
  return v;
}

/** A repeatable string flag, in the order given. */
export function listFlag(argv: ParsedArgs, name: string): string[] {
  const v = argv[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((item) => {
    if (typeof item !== 'string' || item.trim() === '') throw new UsageError(`--${name} needs a value.`);
    return item;
  });
}

/** A boolean flag; absent is false. */
export function booleanFlag(argv: ParsedArgs, name: string): boolean {
  const v = argv[name];
  if (Array.isArray(v)) return v.at(-1) === true;
  return v === true;
}

/** A flag whose value is one of `choices`. */
export function choiceFlag<T extends string>(argv: ParsedArgs, name: string, choices: readonly T[], fallback: T): T {
  const v = argv[name] ?? fallback;
  const found = choices.find((c) => c === v);
  if (found === undefined) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, not ${String(v)}.`);
  return found;
}

/** What a number flag accepts. */
export interface NumberRule {
  min: number;
  max: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** The unit, for messages: `seconds`. */
  unit?: string;
  /** Whether `min` itself is allowed (default true). */
  minInclusive?: boolean;
}

/** The one number validator: a finite number within the rule, else a UsageError saying what is allowed. */
export function numberFlag(argv: ParsedArgs, name: string, fallback: number, rule: NumberRule): number {
  const v = argv[name] ?? fallback;
  const aboveMin = (n: number): boolean => (rule.minInclusive === false ? n > rule.min : n >= rule.min);
  if (typeof v !== 'number' || !Number.isFinite(v) || !aboveMin(v) || v > rule.max || (rule.integer && !Number.isInteger(v))) {
    const kind = rule.integer ? 'a whole number' : 'a number';
    const unit = rule.unit ? ` ${rule.unit}` : '';
    const range = rule.minInclusive === false ? `more than ${rule.min} and at most ${rule.max}` : `from ${rule.min} to ${rule.max}`;
    throw new UsageError(`--${name} must be ${kind}${unit} ${range}, not ${Array.isArray(v) ? v.join(', ') : String(v)}.`);
  }
  return v;
}

/** A duration flag in seconds: more than 0, and short enough for Node's timers. */
export function secondsFlag(argv: ParsedArgs, name: string, fallback: number): number {
  return numberFlag(argv, name, fallback, { min: 0, minInclusive: false, max: MAX_SECONDS, unit: 'of seconds' });
}
