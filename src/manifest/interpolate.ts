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

/** `interpolate` applied to every string value (not key) of a plain data tree; returns a new tree. */
export function interpolateTree(
  value: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; problems: (InterpolationProblem & { path: Path })[] } {
  const problems: (InterpolationProblem & { path: Path })[] = [];
  const walk = (v: unknown, path: Path): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('$')) return v;
      const result = interpolate(v, env);
      for (const p of result.problems) problems.push({ ...p, path });
      return result.value;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, [...path, k])]));
    }
    return v;
  };
  return { value: walk(value, []), problems };
}
