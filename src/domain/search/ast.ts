/**
 * What a search query is between its text and a repository's condition: the tokens the tokenizer
 * reads, and the AND/OR/NOT tree the parser builds over leaves that each resource's field catalog
 * has already compiled into its own storage condition.
 */

/** A value as written: the literal pieces between unescaped `*` wildcards (one piece: no wildcard). */
export interface TermValue {
  readonly segments: string[];
  /** A "quoted phrase": always one piece, a `*` inside it is a star. */
  readonly quoted: boolean;
}

/** `field:value`, or a bare `value` (no field). `at` is where the token starts in the query text. */
export interface TermToken {
  kind: 'term';
  at: number;
  field?: string;
  value: TermValue;
}

/** `field:[lower TO upper]`: `[`/`]` include the bound, `{`/`}` exclude it; an absent bound was `*` (open). */
export interface RangeToken {
  kind: 'range';
  at: number;
  field?: string;
  lower?: string;
  upper?: string;
  lowerInclusive: boolean;
  upperInclusive: boolean;
}

export interface OperatorToken {
  kind: '(' | ')' | 'AND' | 'OR' | 'NOT';
  at: number;
}

export type Token = OperatorToken | TermToken | RangeToken;

/** The parsed query: AND, OR and NOT over leaves, each leaf one term compiled by the resource's catalog. */
export type QueryNode<Leaf> =
  | { kind: 'and' | 'or'; items: QueryNode<Leaf>[] }
  | { kind: 'not'; item: QueryNode<Leaf> }
  | { kind: 'leaf'; leaf: Leaf };

/**
 * The value as one pattern with `*` for "anything": the form the users repository matches. An
 * escaped `\*` comes out as `*` too (a wildcard): that repository has no literal star, as before.
 */
export const wildcardPattern = (value: TermValue): string => value.segments.join('*');
