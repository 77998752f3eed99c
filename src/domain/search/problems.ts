/**
 * Everything that can be wrong with a search query, as data. The shared tokenizer, parser and field
 * catalog report these; each resource turns them into its own error text (users and logs worded
 * theirs differently before they shared this module, and clients may match on the text).
 */
import type { DomainError } from '../errors.js';
import type { Token } from './ast.js';

/** What a field is used for in a term: `field:value`, `field:[a TO b]` or `_exists_:field`. */
export type FieldUse = 'term' | 'range' | 'exists';

export type SearchProblem =
  | { kind: 'tooLong'; max: number }
  | { kind: 'unterminatedQuote'; at: number }
  | { kind: 'danglingBackslash'; at: number }
  | { kind: 'missingValue'; field: string; at: number }
  | { kind: 'groupedValues'; field: string; at: number }
  /** `expected` is what was missing; `closed` tells whether a `]` or `}` follows anywhere at all. */
  | { kind: 'badRange'; field?: string; at: number; expected: 'TO' | 'bound' | 'end'; closed: boolean }
  /** `at` is the token after the level that was one too many (none at the end of the query). */
  | { kind: 'tooDeep'; max: number; at?: number }
  | { kind: 'tooManyTerms'; max: number; at: number }
  /** AND, OR or NOT with no term after it; `next` is what stands there instead (nothing at the end). */
  | { kind: 'danglingOperator'; operator: 'AND' | 'OR' | 'NOT'; at: number; next?: Token }
  | { kind: 'emptyGroup'; at: number }
  /** A term was expected at the start or after `(`; `at` is `next`'s position, or the last character. */
  | { kind: 'expectedTerm'; at: number; next?: Token }
  | { kind: 'unclosedGroup'; at: number }
  | { kind: 'unopenedGroup'; at: number }
  | { kind: 'rangeWithoutField'; at: number }
  | { kind: 'unknownField'; field: string; use: FieldUse; at: number }
  | { kind: 'unsupportedUse'; field: string; use: Exclude<FieldUse, 'term'>; at: number };

/** A resource's wording of a problem: the error its API answers with (400, `invalid_query_string`). */
export type RejectQuery = (problem: SearchProblem) => DomainError;

/** Throws the resource's error for a problem; the tokenizer, parser and catalog stop at the first one. */
export type Fail = (problem: SearchProblem) => never;
