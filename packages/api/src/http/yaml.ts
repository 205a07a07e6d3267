/**
 * YAML request bodies within BODY_LIMITS. yaml's lexer and CST parser run without recursion,
 * so the nesting depth and the aliases are counted on the token stream and a hostile body is
 * refused before the recursive composer sees it: a deep body once overflowed the stack inside a
 * regular expression compile, which ends the process ("RegExpCompiler Allocation failed").
 */
import { Composer, CST, type Document, Lexer, Parser } from 'yaml';
import { BadRequestError } from '@wharf/model';
import { BODY_LIMITS, type BodyLimits, tooDeep } from './limits.js';

/**
 * The parser's stack holds the document and the scalar being read besides the collections, so
 * it runs this much deeper than the value's nesting; assertSafeValue checks the value exactly.
 */
const STACK_OVERHEAD = 2;

const unknownFormat = (message: string) => new BadRequestError(`the body of the request was in an unknown format: ${message.split('\n')[0]}`);

/** The CST of `text`; throws a 400 once it nests deeper than `limits.depth` or uses more than `limits.aliases` aliases. */
function boundedTokens(text: string, limits: Readonly<BodyLimits>): CST.Token[] {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  let aliases = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    if (!scalarNext && CST.tokenType(lexeme) === 'alias' && ++aliases > limits.aliases) throw new BadRequestError(`the YAML body has more than ${limits.aliases} aliases`);
    scalarNext = lexeme === CST.SCALAR;
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > limits.depth + STACK_OVERHEAD) throw tooDeep(limits.depth);
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/**
 * The value of a YAML body of one document, in the YAML 1.2 core schema whatever its `%YAML`
 * directive says (no binary, timestamp or set tags): undefined for an empty body, a 400 for
 * text that is not YAML, for several documents, and for nesting or aliases past `limits`.
 * The value still needs assertSafeValue.
 */
export function parseYamlBody(text: string, limits: Readonly<BodyLimits> = BODY_LIMITS): unknown {
  const tokens = boundedTokens(text, limits);
  let docs: Document.Parsed[];
  try {
    docs = [...new Composer({ schema: 'core', uniqueKeys: true, logLevel: 'error' }).compose(tokens)];
  } catch (e) {
    throw unknownFormat((e as Error).message);
  }
  if (docs.length === 0) return undefined;
  if (docs.length > 1) throw new BadRequestError(`the request body holds ${docs.length} YAML documents; send one`);
  const doc = docs[0]!;
  const error = doc.errors[0];
  if (error) throw unknownFormat(error.message);
  try {
    return doc.toJS({ maxAliasCount: limits.aliases });
  } catch (e) {
    throw unknownFormat((e as Error).message);
  }
}
