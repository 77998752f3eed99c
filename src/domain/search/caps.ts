/**
 * The bounds every search query is held to, in one place for every resource that takes a `q`
 * (users, logs). They keep the generated SQL small: SQLite refuses expressions deeper than 1,000
 * levels and caps bound parameters, and the parser recurses once per level, so ~600 nested NOTs
 * used to be a 500 (issue 11, finding 14). No real search comes near them.
 */
export interface SearchCaps {
  /** Characters in the query text (the Management API routes refuse longer `q` values already). */
  readonly maxLength: number;
  /** Levels of NOT and parentheses nested in one another; the next level is refused as it opens. */
  readonly maxDepth: number;
  /** Terms and ranges in one query (each becomes one or more bound parameters). */
  readonly maxTerms: number;
}

/** The longest `q` any search route accepts (its querystring schema uses this too). */
export const MAX_QUERY_LENGTH = 2000;
export const MAX_QUERY_DEPTH = 8;

export const SEARCH_CAPS = {
  users: { maxLength: MAX_QUERY_LENGTH, maxDepth: MAX_QUERY_DEPTH, maxTerms: 64 },
  // A bare log term expands into seven field comparisons, hence half the users' term budget.
  logs: { maxLength: MAX_QUERY_LENGTH, maxDepth: MAX_QUERY_DEPTH, maxTerms: 32 },
} as const satisfies Record<string, SearchCaps>;
