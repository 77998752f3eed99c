/**
 * The header's search across a tenant: the users' `q` (Auth0's Lucene syntax, search engine v3) for
 * what was typed, and the client-side filter of applications and APIs. Pure: unit-tested in
 * test/unit/dashboard-settings.test.ts.
 */

/** Searches start from this many characters (one letter would match most of a tenant). */
export const MIN_SEARCH_LENGTH = 2;
export const MAX_SEARCH_LENGTH = 100;
/** Results shown per group. */
export const RESULTS_PER_GROUP = 5;

/** Every character but letters and digits escaped (`\x` is a literal x in the query syntax), so typed text is never syntax. */
export function escapeSearchValue(text: string): string {
  return text.replace(/[^\p{L}\p{N}]/gu, (c) => `\\${c}`);
}

/** `name:*text* OR email:*text*`: a user whose name or email contains the typed text, ignoring case. */
export function userSearchQuery(text: string): string | undefined {
  const trimmed = text.trim().slice(0, MAX_SEARCH_LENGTH);
  if (trimmed.length < MIN_SEARCH_LENGTH) return undefined;
  const value = `*${escapeSearchValue(trimmed)}*`;
  return `name:${value} OR email:${value}`;
}

/** Items whose any named text contains the typed text (ignoring case), those starting with it first. */
export function filterByText<T>(items: readonly T[], text: string, textsOf: (item: T) => readonly (string | undefined)[], limit = RESULTS_PER_GROUP): T[] {
  const needle = text.trim().toLowerCase();
  if (needle.length < MIN_SEARCH_LENGTH) return [];
  const scored: { item: T; rank: number; index: number }[] = [];
  items.forEach((item, index) => {
    const texts = textsOf(item).filter((t): t is string => Boolean(t)).map((t) => t.toLowerCase());
    if (texts.some((t) => t.startsWith(needle))) scored.push({ item, rank: 0, index });
    else if (texts.some((t) => t.includes(needle))) scored.push({ item, rank: 1, index });
  });
  return scored.sort((a, b) => a.rank - b.rank || a.index - b.index).slice(0, limit).map((s) => s.item);
}
