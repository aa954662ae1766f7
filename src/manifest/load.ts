/** Loading a manifest: read, parse, interpolate, check schema and rules, normalize. Never throws or prints. */
import { resolve } from 'node:path';
import { interpolateTree, mapTree } from './interpolate.js';
import { lineStartsOf, positionOf } from './lines.js';
import { namedMessage, type Issue, type Locate, type Path } from './issue.js';
import { normalizeManifest } from './normalize.js';
import { parseManifest, type ParsedManifest } from './parse.js';
import { readManifestFile } from './read.js';
import { checkRules } from './rules.js';
import { checkSchema } from './schema.js';
import type { Diagnostic, LoadResult, WrittenManifest } from './types.js';

/** Options of `loadManifest`. */
export interface LoadOptions {
  /** Directory a relative `path` is read from; default the process's working directory. */
  cwd?: string;
}

/**
 * Loads the manifest at `path` (reported as given), with `${VAR}` taken from `env`. Resolves to every
 * diagnostic found, sorted by position, and to the manifest only when none is an error.
 */
export async function loadManifest(path: string, env: NodeJS.ProcessEnv, options: LoadOptions = {}): Promise<LoadResult> {
  const read = await readManifestFile(resolve(options.cwd ?? process.cwd(), path), path);
  if (!read.ok) return { diagnostics: [read.diagnostic] };
  const { text, sha256 } = read;

  const parsed = parseManifest(text, path);
  const checked = checkParsed(parsed, text, env, checkManifest);
  if (checked.data === undefined || checked.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: checked.diagnostics, text };
  const manifest = normalizeManifest(checked.data as WrittenManifest, { path, sha256, locate: parsed.locate });
  return { manifest, diagnostics: checked.diagnostics, text };
}

/** The checks of parsed data beyond YAML: the schema and the rules of what it describes, `lineOf` naming other lines. */
export type DataCheck = (data: unknown, lineOf: (path: Path) => number) => Issue[];

/** A manifest's checks: its schema, then its rules. */
export const checkManifest: DataCheck = (data, lineOf) => [...checkSchema(data), ...checkRules(data, lineOf)];

/**
 * Checks parsed data (a manifest, or another file read the same way): `${VAR}` replaced from `env`, each problem
 * pointing at its reference in `text`; strings trimmed; then `check`. Resolves to the data (absent when the parser
 * gave none) and every diagnostic, the parser's included, sorted by position.
 */
export function checkParsed(parsed: ParsedManifest, text: string, env: NodeJS.ProcessEnv, check: DataCheck): { data?: unknown; diagnostics: Diagnostic[] } {
  const diagnostics = [...parsed.diagnostics];
  if (parsed.value === undefined) return { diagnostics: capDiagnostics(sortDiagnostics(diagnostics)) };
  const { locate } = parsed;
  const interpolated = interpolateTree(parsed.value, env);
  const data = trimTree(interpolated.value);
  const lineStarts = interpolated.problems.length > 0 ? lineStartsOf(text) : [];
  const cursor = new Map<string, number>();
  for (const problem of interpolated.problems) {
    const base = locate(problem.path);
    // Point at the reference itself when the source spells it out, else at the start of the value.
    const start = lineStarts[base.line - 1]! + base.column - 1;
    const key = problem.path.join('\0');
    const found = text.indexOf(problem.token, Math.max(start, cursor.get(key) ?? start));
    const inside = found >= 0 && found < start + (base.length ?? 1);
    if (inside) cursor.set(key, found + problem.token.length);
    const where = inside ? { ...positionOf(lineStarts, found), length: problem.token.length } : base;
    diagnostics.push(toDiagnostic({ path: problem.path, severity: 'error', code: problem.code, message: problem.message }, { ...where, file: base.file }, data));
  }

  // A value still holding an unresolved ${…} would fail other checks for that reason alone.
  const unresolved = new Set(interpolated.problems.map((p) => p.path.join('\0')));
  const lineOf = (p: Path): number => locate(p).line;
  const issues = check(data, lineOf).filter((i) => !unresolved.has(i.path.join('\0')));
  for (const issue of issues) diagnostics.push(toDiagnostic(issue, locate(issue.path, issue.at), data));
  return { data, diagnostics: capDiagnostics(sortDiagnostics(dedupe(diagnostics))) };
}

function toDiagnostic(issue: Issue, where: ReturnType<Locate>, data: unknown): Diagnostic {
  return {
    file: where.file,
    line: where.line,
    column: where.column,
    ...(where.length !== undefined ? { length: where.length } : {}),
    severity: issue.severity,
    code: issue.code,
    message: namedMessage(issue, data),
  };
}

/** Diagnostics in file order; stable, so problems at one spot keep the order they were found in. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  // Usually one file: skipping localeCompare keeps sorting thousands of diagnostics cheap.
  return [...diagnostics].sort((a, b) => (a.file === b.file ? 0 : a.file.localeCompare(b.file)) || a.line - b.line || a.column - b.column);
}

/** Past this many problems a file is not a manifest with mistakes but the wrong file (or an attack). */
export const MAX_DIAGNOSTICS = 1000;

/** The first MAX_DIAGNOSTICS diagnostics, then one that counts the rest, so output stays readable and bounded. */
function capDiagnostics(sorted: Diagnostic[]): Diagnostic[] {
  if (sorted.length <= MAX_DIAGNOSTICS) return sorted;
  const rest = sorted.slice(MAX_DIAGNOSTICS);
  const first = rest[0]!;
  const errors = rest.filter((d) => d.severity === 'error').length;
  const more: Diagnostic = {
    file: first.file,
    line: first.line,
    column: first.column,
    severity: errors > 0 ? 'error' : 'warning',
    code: 'too-many-problems',
    message: `${rest.length} more problems from here on are not shown (${errors} errors); fix the ones above, then validate again.`,
  };
  return [...sorted.slice(0, MAX_DIAGNOSTICS), more];
}

/** Aliases make one node reachable by several paths; it is reported once. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Strings trimmed everywhere, so " WEBHOOK.CONVERTED " from an environment variable still validates. Parts with
 * nothing to trim are shared with `value`, not copied.
 */
function trimTree(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (value !== null && typeof value === 'object') return mapTree(value, trimTree);
  return value;
}
