/**
 * The `q` parameter of `GET /api/v2/users` (search engine v3): the users' field catalog and wording
 * for the shared search module (domain/search/), which tokenizes, parses and enforces the caps.
 *
 *   email:"jane@example.com"   exact (case-insensitive for profile fields, as in Auth0)
 *   email:jane*  name:*smith   `*` wildcard anywhere
 *   logins_count:[1 TO 10]  created_at:{2024-01-01 TO *}   ranges, inclusive [] or exclusive {}
 *   app_metadata.plan:"pro"    metadata by path (an array matches when an element does)
 *   _exists_:last_login        field is set
 *   a AND b, a OR b, NOT a, -a, (a OR b) c   operators; terms side by side are ANDed
 *   jane                       a bare term matches user_id, email, username, name, nickname,
 *                              given_name or family_name
 */
import type { UserCondition, UserDateField, UserFlagField, UserSort, UserSortField, UserTextField } from '../../storage/repositories/users.js';
import { invalid, type DomainError } from '../errors.js';
import { wildcardPattern } from '../search/ast.js';
import { SEARCH_CAPS } from '../search/caps.js';
import { parseSortParameter, rangeFieldNames, sortFieldNames, type FieldCatalog, type SearchField } from '../search/catalog.js';
import type { SearchProblem } from '../search/problems.js';
import { parseSearchQuery, type SearchLanguage } from '../search/query.js';

export { MAX_QUERY_DEPTH } from '../search/caps.js';
export const MAX_QUERY_TERMS = SEARCH_CAPS.users.maxTerms;

const problem = (detail: string) => invalid(`Query validation error: invalid q: ${detail}.`, 'invalid_query_string');

// --- field types: what a term on each kind of column means --------------------------------------

type UserField = SearchField<UserCondition>;

/** Profile text: compared ignoring case, `*` a wildcard anywhere. */
const text = (column: UserTextField): UserField => ({
  term: (value) => ({ kind: 'text', field: column, pattern: wildcardPattern(value) }),
  exists: () => ({ kind: 'exists', field: column }),
});

/** A text column matched with the value put into a fixed shape (`auth0|*` for identities.provider). */
const shapedText = (column: UserTextField, shape: (value: string) => string): UserField => ({
  term: (value) => ({ kind: 'text', field: column, pattern: shape(wildcardPattern(value)) }),
});

const flag = (column: UserFlagField): UserField => ({
  term: (value, { field }) => {
    const written = wildcardPattern(value);
    if (written !== 'true' && written !== 'false') throw problem(`"${field}" must be true or false`);
    return { kind: 'flag', field: column, value: written === 'true' };
  },
});

/** A date matches by prefix (created_at:2024-05 is every user created in May 2024); ranges compare the text. */
const date = (column: UserDateField): UserField => ({
  term: (value) => {
    const written = wildcardPattern(value);
    return { kind: 'text', field: column, pattern: written.endsWith('*') ? written : `${written}*` };
  },
  range: (range) => ({
    kind: 'range',
    field: column,
    ...(range.lower !== undefined ? { lower: { value: range.lower, inclusive: range.lowerInclusive } } : {}),
    ...(range.upper !== undefined ? { upper: { value: range.upper, inclusive: range.upperInclusive } } : {}),
  }),
  exists: () => ({ kind: 'exists', field: column }),
});

const count = (column: 'logins_count'): UserField => ({
  term: (value, { field }) => {
    const n = wholeNumber(field, wildcardPattern(value));
    return { kind: 'range', field: column, lower: { value: n, inclusive: true }, upper: { value: n, inclusive: true } };
  },
  range: (range, { field }) => ({
    kind: 'range',
    field: column,
    ...(range.lower !== undefined ? { lower: { value: wholeNumber(field, range.lower), inclusive: range.lowerInclusive } } : {}),
    ...(range.upper !== undefined ? { upper: { value: wholeNumber(field, range.upper), inclusive: range.upperInclusive } } : {}),
  }),
  exists: () => ({ kind: 'exists', field: column }),
});

const METADATA_KEY = /^[A-Za-z0-9_-]{1,100}$/;

/** `app_metadata.a.b`: the value at that path (an array matches when an element does). */
const metadata =
  (column: 'app_metadata' | 'user_metadata') =>
  (dottedPath: string): UserField => ({
    term: (value, { field }) => {
      const path = dottedPath.split('.');
      if (!path.every((key) => METADATA_KEY.test(key))) throw problem(`"${field}" is not a valid metadata path`);
      return { kind: 'metadata', column, path, pattern: wildcardPattern(value) };
    },
  });

function wholeNumber(field: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw problem(`"${field}" must be a whole number`);
  return Number(value);
}

// --- the catalog ----------------------------------------------------------------------------------

const USER_FIELDS: FieldCatalog<UserCondition, UserSortField> = {
  fields: {
    user_id: text('user_id'),
    email: text('email'),
    username: text('username'),
    phone_number: text('phone_number'),
    name: text('name'),
    nickname: text('nickname'),
    given_name: text('given_name'),
    family_name: text('family_name'),
    'identities.connection': text('connection'),
    connection: text('connection'),
    // Every identity is the user's own (user_id is `provider|id`).
    'identities.provider': shapedText('user_id', (value) => `${value}|*`),
    'identities.user_id': shapedText('user_id', (value) => `*|${value}`),
    email_verified: flag('email_verified'),
    blocked: flag('blocked'),
    created_at: date('created_at'),
    updated_at: date('updated_at'),
    last_login: date('last_login'),
    logins_count: count('logins_count'),
  },
  families: { 'app_metadata.': metadata('app_metadata'), 'user_metadata.': metadata('user_metadata') },
  bareTermFields: ['user_id', 'email', 'username', 'name', 'nickname', 'given_name', 'family_name'],
  existence: true,
  combine: {
    and: (items) => ({ kind: 'and', items }),
    or: (items) => ({ kind: 'or', items }),
    not: (item) => ({ kind: 'not', item }),
  },
  sortable: {
    user_id: 'user_id',
    email: 'email',
    username: 'username',
    phone_number: 'phone_number',
    name: 'name',
    nickname: 'nickname',
    given_name: 'given_name',
    family_name: 'family_name',
    'identities.connection': 'connection',
    connection: 'connection',
    created_at: 'created_at',
    updated_at: 'updated_at',
    last_login: 'last_login',
    logins_count: 'logins_count',
  },
};

// --- wording --------------------------------------------------------------------------------------

/** "a, b, c and d" */
const listed = (names: string[]): string => (names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? ''));

function rejectUserQuery(p: SearchProblem): DomainError {
  switch (p.kind) {
    case 'tooLong':
      return problem(`the query is longer than ${p.max} characters`);
    case 'unterminatedQuote':
      return problem('unterminated quoted string');
    case 'danglingBackslash':
      return problem('a backslash must be followed by the character it escapes');
    case 'missingValue':
      return problem(`missing value after "${p.field}:"`);
    case 'groupedValues':
      return problem(`grouping after "${p.field}:" is not supported; repeat the field for each value`);
    case 'badRange':
      return problem(p.closed ? `a range for "${p.field}" must look like [from TO to]` : `unterminated range for "${p.field}"`);
    case 'tooDeep':
      return problem(`NOT and parentheses nested deeper than ${p.max} levels`);
    case 'tooManyTerms':
      return problem(`more than ${p.max} terms`);
    case 'danglingOperator':
    case 'expectedTerm':
      return problem(p.next ? `unexpected "${p.next.kind}"` : 'the query ends unexpectedly');
    case 'emptyGroup':
    case 'unopenedGroup':
      return problem('unexpected ")"');
    case 'unclosedGroup':
      return problem('missing ")"');
    case 'rangeWithoutField':
      return problem('a range needs a field');
    case 'unknownField':
    case 'unsupportedUse':
      if (p.use === 'range') return problem(`ranges are supported on ${listed(rangeFieldNames(USER_FIELDS))}, not "${p.field}"`);
      if (p.use === 'exists') return problem(`_exists_ is supported on profile fields and dates, not "${p.field}"`);
      return problem(`"${p.field}" is not a searchable field`);
  }
}

const USER_SEARCH: SearchLanguage<UserCondition, UserSortField> = {
  // Lucene's prefix forms (-a, !a, +a) and any field-like name, which the catalog then judges.
  syntax: {
    prefixOperators: true,
    fieldName: /[^\s():"\\]+/,
    danglingBackslash: 'literal',
    rangeBounds: 'words',
    bareRanges: false,
    escapedOperators: true,
    depthCheck: 'on-open',
  },
  caps: SEARCH_CAPS.users,
  catalog: USER_FIELDS,
  reject: rejectUserQuery,
};

/** Query text that lists every user, as Auth0 reads it. */
const MATCH_ALL = new Set(['', '*', '*:*']);

/** Parses `q`; an empty query (or `*`, `*:*`) matches every user and yields undefined. */
export function parseUserQuery(q: string | undefined): UserCondition | undefined {
  const text = q?.trim() ?? '';
  if (MATCH_ALL.has(text)) return undefined;
  return parseSearchQuery(text, USER_SEARCH);
}

/** `sort=field:1` (ascending) or `field:-1` (descending). */
export function parseUserSort(sort: string | undefined): UserSort | undefined {
  const refuse = () => invalid(`Query validation error: 'sort' must be <field>:1 or <field>:-1 with field one of ${sortFieldNames(USER_FIELDS).join(', ')}.`, 'invalid_query_string');
  return parseSortParameter(USER_FIELDS, sort, refuse);
}
