/**
 * One search query, from text to a repository condition: caps (caps.ts), tokens (tokenizer.ts), the
 * tree (parser.ts) and the resource's field catalog (catalog.ts). A resource describes its search as
 * a `SearchLanguage`; `domain/users/user-search.ts` and `domain/logs/log-query.ts` are the two today.
 */
import { compileLeaf, toCondition, type FieldCatalog } from './catalog.js';
import type { SearchCaps } from './caps.js';
import { parseTokens } from './parser.js';
import type { Fail, RejectQuery } from './problems.js';
import { tokenize, type QuerySyntax } from './tokenizer.js';

export interface SearchLanguage<Condition, SortField> {
  readonly syntax: QuerySyntax;
  readonly caps: SearchCaps;
  readonly catalog: FieldCatalog<Condition, SortField>;
  /** The resource's error for a problem with the query. */
  readonly reject: RejectQuery;
}

/** The query's condition; blank text means no condition. Throws the resource's error for the first problem. */
export function parseSearchQuery<C, S>(text: string, language: SearchLanguage<C, S>): C | undefined {
  if (text.trim() === '') return undefined;
  const fail: Fail = (problem) => {
    throw language.reject(problem);
  };
  const { caps, catalog } = language;
  if (text.length > caps.maxLength) fail({ kind: 'tooLong', max: caps.maxLength });
  const tokens = tokenize(text, language.syntax, fail);
  const tree = parseTokens(tokens, { caps, depthCheck: language.syntax.depthCheck, textLength: text.length, fail, leaf: (token) => compileLeaf(catalog, token, fail) });
  return toCondition(tree, catalog.combine);
}
