/** Reading a JSON document whose top level must be an object (plans, workspace plans). */

/** The object `text` holds, or a sentence saying why it is not one: not JSON, or JSON of another kind. */
export function parseJsonObject(text: string): object | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'it is not a JSON object';
  return doc;
}
