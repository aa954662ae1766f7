/** How plan errors name what they are about. */
import type { SourcePosition } from '../manifest/types.js';

/** `address (file:line:col)`, or `address (uuid …, not in the manifest)` for a listed webhook no entry names. */
export function describeSubject(s: { address: string; uuid?: string; source?: SourcePosition }): string {
  if (s.source) return `${s.address} (${s.source.file}:${s.source.line}:${s.source.column})`;
  return `${s.address} (uuid ${s.uuid ?? '?'}, not in the manifest)`;
}
