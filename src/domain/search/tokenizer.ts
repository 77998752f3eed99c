/**
 * Reads a search query (Auth0's `q`, search engine v3: a subset of Lucene) into tokens.
 *
 *   field:value        a value runs to whitespace or a parenthesis; `\x` is a literal x, `*` a wildcard
 *   field:"a phrase"   a quoted phrase, no wildcards; `\"` and `\\` escape inside the quotes
 *   field:[a TO b]     a range, `[`/`]` inclusive, `{`/`}` exclusive, `*` for an open end
 *   AND && OR || NOT   operators are whole upper-case words; ( ) group
 *   value, "phrase"    a term without a field (the resource's catalog says where it is searched)
 *
 * The users and logs searches accepted slightly different languages before they shared this
 * tokenizer, and clients rely on both as they are: `QuerySyntax` names each difference, so every
 * resource keeps its own language while the reading itself is written once.
 */
import { own } from '../../util/own.js';
import type { RangeToken, TermValue, Token } from './ast.js';
import type { Fail } from './problems.js';

export interface QuerySyntax {
  /**
   * Lucene's prefix forms: `-term` and `!term` negate, `+term` marks a required term (a no-op: terms
   * are ANDed anyway), and `&&`/`||` need no space after them. Without them, `-x` is a plain value.
   */
  readonly prefixOperators: boolean;
  /** What the text before the first `:` of a word must look like to be read as a field name. */
  readonly fieldName: RegExp;
  /** A backslash that ends the query (it escapes nothing): refused, or kept as itself. */
  readonly danglingBackslash: 'refuse' | 'literal';
  /** A range bound: a non-empty word only, or also a "quoted phrase" (and then possibly empty). */
  readonly rangeBounds: 'words' | 'words-or-phrases';
  /** `[a TO b]` without a field: read as a range (which the catalog then refuses, saying why), or as words. */
  readonly bareRanges: boolean;
  /** Whether `\AND`, `\OR` and `\NOT` are still operators; otherwise escaping makes them plain words, as in Lucene. */
  readonly escapedOperators: boolean;
  /**
   * When a NOT or `(` one level past the depth cap is refused: as soon as it is read ('on-open'), or
   * once it is known to have something to negate or group ('after-operand': a dangling NOT or an
   * empty `()` is named first). Only which message a doubly wrong query gets depends on it.
   */
  readonly depthCheck: 'on-open' | 'after-operand';
}

const OPERATORS: Record<string, 'AND' | 'OR' | 'NOT'> = { AND: 'AND', '&&': 'AND', OR: 'OR', '||': 'OR', NOT: 'NOT' };
const OPERATOR_WORDS: Record<string, 'AND' | 'OR' | 'NOT'> = { AND: 'AND', OR: 'OR', NOT: 'NOT' };

/** A run of text up to whitespace or a parenthesis, as written (escapes not applied). */
const RAW_WORD = /[^\s()]+/y;

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** The query's tokens; the first problem found is thrown through `fail`. */
export function tokenize(text: string, syntax: QuerySyntax, fail: Fail): Token[] {
  const fieldPrefix = new RegExp(`(${syntax.fieldName.source}):`, 'y');
  const tokens: Token[] = [];
  let i = 0;

  /** An unquoted value: up to whitespace or a parenthesis; `\x` is a literal x, `*` a wildcard. */
  const word = (): TermValue => {
    const segments: string[] = [];
    let current = '';
    while (i < text.length && !isSpace(text[i]) && text[i] !== '(' && text[i] !== ')') {
      const c = text[i]!;
      if (c === '\\' && i + 1 < text.length) {
        current += text[i + 1];
        i += 2;
      } else if (c === '\\') {
        if (syntax.danglingBackslash === 'refuse') fail({ kind: 'danglingBackslash', at: i });
        current += c;
        i++;
      } else if (c === '*') {
        segments.push(current);
        current = '';
        i++;
      } else {
        current += c;
        i++;
      }
    }
    segments.push(current);
    return { segments, quoted: false };
  };

  const quoted = (): TermValue => {
    const start = i;
    i++; // opening quote
    let out = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      out += text[i];
      i++;
    }
    if (i >= text.length) fail({ kind: 'unterminatedQuote', at: start });
    i++; // closing quote
    return { segments: [out], quoted: true };
  };

  const skipSpaces = () => {
    while (isSpace(text[i])) i++;
  };

  const range = (at: number, field: string | undefined): RangeToken => {
    const closed = /[\]}]/.test(text.slice(i));
    const malformed = (expected: 'TO' | 'bound' | 'end'): never => fail({ kind: 'badRange', ...(field !== undefined ? { field } : {}), at: i, expected, closed });
    /** A bound as written (no escapes); undefined for an unquoted `*`, the open end. */
    const bound = (): string | undefined => {
      if (syntax.rangeBounds === 'words-or-phrases' && text[i] === '"') return quoted().segments[0];
      let written = '';
      while (i < text.length && !isSpace(text[i]) && text[i] !== ']' && text[i] !== '}') written += text[i++];
      if (written === '' && syntax.rangeBounds === 'words') malformed('bound');
      return written === '*' ? undefined : written;
    };
    const lowerInclusive = text[i] === '[';
    i++;
    skipSpaces();
    const lower = bound();
    skipSpaces();
    if (!text.startsWith('TO', i) || !(isSpace(text[i + 2]) || text[i + 2] === undefined)) malformed('TO');
    i += 2;
    skipSpaces();
    const upper = bound();
    skipSpaces();
    if (text[i] !== ']' && text[i] !== '}') malformed('end');
    const upperInclusive = text[i] === ']';
    i++;
    return {
      kind: 'range',
      at,
      ...(field !== undefined ? { field } : {}),
      ...(lower !== undefined ? { lower } : {}),
      ...(upper !== undefined ? { upper } : {}),
      lowerInclusive,
      upperInclusive,
    };
  };

  while (i < text.length) {
    const c = text[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === '(' || c === ')') {
      tokens.push({ kind: c, at });
      i++;
      continue;
    }
    if (syntax.prefixOperators) {
      const glued = text.startsWith('&&', i) ? 'AND' : text.startsWith('||', i) ? 'OR' : undefined;
      if (glued) {
        tokens.push({ kind: glued, at });
        i += 2;
        continue;
      }
      if ((c === '-' || c === '!') && i + 1 < text.length && !isSpace(text[i + 1])) {
        tokens.push({ kind: 'NOT', at });
        i++;
        continue;
      }
      if (c === '+') {
        i++;
        continue;
      }
    }
    if (c === '"') {
      tokens.push({ kind: 'term', at, value: quoted() });
      continue;
    }
    // An operator is a whole word of its own, exactly as written.
    RAW_WORD.lastIndex = i;
    const raw = RAW_WORD.exec(text)![0];
    const operator = own(OPERATORS, raw);
    if (operator) {
      tokens.push({ kind: operator, at });
      i += raw.length;
      continue;
    }
    fieldPrefix.lastIndex = i;
    const field = fieldPrefix.exec(text)?.[1];
    if (field !== undefined) {
      i = fieldPrefix.lastIndex;
      const next = text[i];
      if (next === undefined || isSpace(next) || next === ')') fail({ kind: 'missingValue', field, at: i });
      if (next === '"') tokens.push({ kind: 'term', at, field, value: quoted() });
      else if (next === '[' || next === '{') tokens.push(range(at, field));
      else if (next === '(') fail({ kind: 'groupedValues', field, at: i });
      else tokens.push({ kind: 'term', at, field, value: word() });
      continue;
    }
    if (syntax.bareRanges && (c === '[' || c === '{')) {
      tokens.push(range(at, undefined));
      continue;
    }
    const value = word();
    const escapedOperator = syntax.escapedOperators && value.segments.length === 1 ? own(OPERATOR_WORDS, value.segments[0]!) : undefined;
    tokens.push(escapedOperator ? { kind: escapedOperator, at } : { kind: 'term', at, value });
  }
  return tokens;
}
