/**
 * YAML text to a yaml Document, refusing nesting past MAX_DEPTH before the composer (which recurses once per
 * level) sees it: the CST parser keeps its open collections on an explicit stack, so their depth is known
 * token by token, and parsing stops at the first one too many.
 */
import { Composer, Lexer, LineCounter, Parser, YAMLParseError } from 'yaml';
import type { CST, Document } from 'yaml';
import { YAML_PARSE_OPTIONS } from '../shared/yaml.js';
import { MAX_DEPTH } from './limits.js';

/**
 * The first document of the text, and whether its text has an alias (`*name`; when false, none of its nodes is
 * one, so nothing needs resolving), or the offset of the first collection nested past MAX_DEPTH.
 */
export type Composed = { doc: Document.Parsed; aliases: boolean; tooDeep?: undefined } | { doc?: undefined; tooDeep: number };

/** Parses `text` as `parseDocument` does with YAML_PARSE_OPTIONS (a second document is an error), bounded. */
export function composeBounded(text: string, lineCounter: LineCounter): Composed {
  const parser = new Parser(lineCounter.addNewLine);
  let tooDeep: number | undefined;
  let aliases = false;
  function* tokens(): Generator<CST.Token> {
    lineCounter.addNewLine(0);
    for (const lexeme of new Lexer().lex(text)) {
      // An alias is lexed as one token starting with "*" (a block scalar's text may start so too: harmless).
      if (lexeme.charCodeAt(0) === 42) aliases = true;
      yield* parser.next(lexeme);
      // The stack also holds the document and scalars being read: only collections count.
      if (parser.stack.length > MAX_DEPTH) {
        const collections = parser.stack.filter(isCollection);
        if (collections.length > MAX_DEPTH) {
          tooDeep = collections[MAX_DEPTH]!.offset;
          return;
        }
      }
    }
    yield* parser.end();
  }
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(YAML_PARSE_OPTIONS).compose(tokens(), true, text.length)) {
    if (tooDeep !== undefined) break;
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  if (tooDeep !== undefined) return { tooDeep };
  // compose(…, forceDoc) yields a document even for empty text.
  return { doc: doc!, aliases };
}

function isCollection(token: CST.Token): boolean {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}
