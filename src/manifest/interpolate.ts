/** `${VAR}` and `${VAR:-default}` in string values, from an environment; `$${` writes a literal `${`. */
import type { Path } from './issue.js';
import { quote } from './quote.js';

/** A reference that could not be replaced; `token` is its text, found again in the source to position it. */
export interface InterpolationProblem {
  code: 'undefined-variable' | 'bad-interpolation';
  message: string;
  token: string;
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Replaces every reference in `input`. Like the shell, `${VAR:-default}` uses the default when VAR is unset
 * or empty; a plain `${VAR}` that is unset is a problem and stays as written. Replacements are not rescanned.
 */
export function interpolate(input: string, env: NodeJS.ProcessEnv): { value: string; problems: InterpolationProblem[] } {
  const problems: InterpolationProblem[] = [];
  let out = '';
  let i = 0;
  while (i < input.length) {
    const start = input.indexOf('$', i);
    if (start < 0) break;
    out += input.slice(i, start);
    if (input.startsWith('$${', start)) {
      out += '${';
      i = start + 3;
      continue;
    }
    if (!input.startsWith('${', start)) {
      out += '$';
      i = start + 1;
      continue;
    }
    const close = input.indexOf('}', start + 2);
    if (close < 0) {
      const token = input.slice(start);
      problems.push({
        code: 'bad-interpolation',
        token,
        message: `unclosed "\${" in ${quote(input)}; close it with "}", or write "$\${" for a literal "\${".`,
      });
      out += token;
      i = input.length;
      break;
    }
    const token = input.slice(start, close + 1);
    const match = REFERENCE.exec(input.slice(start + 2, close));
    i = close + 1;
    if (!match) {
      problems.push({
        code: 'bad-interpolation',
        token,
        message: `${quote(token)} is not a variable reference; write \${NAME} or \${NAME:-default} (NAME of letters, digits and _), or "$\${" for a literal "\${".`,
      });
      out += token;
      continue;
    }
    const [, name = '', fallback] = match;
    const value = env[name];
    if (fallback !== undefined) {
      out += value === undefined || value === '' ? fallback : value;
    } else if (value === undefined) {
      problems.push({
        code: 'undefined-variable',
        token,
        message: `environment variable ${name} is not set; set it, or give a default: \${${name}:-value}.`,
      });
      out += token;
    } else {
      out += value;
    }
  }
  return { value: out + input.slice(i), problems };
}

/**
 * `interpolate` applied to every string value (not key) of a plain data tree. Returns a tree that shares every
 * part no reference changed with `value` (most manifests have few references), so `value` must not be changed
 * afterwards.
 */
export function interpolateTree(
  value: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; problems: (InterpolationProblem & { path: Path })[] } {
  const problems: (InterpolationProblem & { path: Path })[] = [];
  // The path to the value being walked; copied only for a problem.
  const trail: (string | number)[] = [];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('$')) return v;
      const result = interpolate(v, env);
      for (const p of result.problems) problems.push({ ...p, path: [...trail] });
      return result.value;
    }
    if (v === null || typeof v !== 'object') return v;
    return mapTree(v, (item, key) => {
      trail.push(key);
      const out = walk(item);
      trail.pop();
      return out;
    });
  };
  return { value: walk(value), problems };
}

/**
 * An array or plain object with `f` applied to each item or value, keys and their order kept: `v` itself when
 * no item changed, else a copy.
 */
export function mapTree(v: object, f: (item: unknown, key: string | number) => unknown): object {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const next = f(item, i);
      if (next !== item && !out) out = v.slice(0, i);
      out?.push(next);
    }
    return out ?? v;
  }
  const entries = Object.entries(v);
  let changed = false;
  for (const entry of entries) {
    const next = f(entry[1], entry[0]);
    if (next !== entry[1]) {
      changed = true;
      entry[1] = next;
    }
  }
  return changed ? Object.fromEntries(entries) : v;
}
