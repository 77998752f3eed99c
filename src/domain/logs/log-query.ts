/**
 * Auth0's log search (`q`, search engine v3): the logs' field catalog and wording for the shared
 * search module (domain/search/), which tokenizes, parses and enforces the caps. The result is a
 * `LogFilter` tree that the logs repository turns into a parameterized WHERE clause.
 *
 * Supported:
 *   field:value        exact match; `*` anywhere in an unquoted value is a wildcard (`description:*word*`)
 *   field:"a phrase"   exact match of the whole phrase, no wildcards; `\"` and `\\` escape inside quotes
 *   date:2026-01-01    that whole UTC day; full ISO timestamps compare as instants
 *   date:[a TO b]      ranges on `date`, `[`/`]` inclusive, `{`/`}` exclusive, `*` for an open end
 *   bare terms         matched against Auth0's bare-term fields (client_name, connection, description, ...)
 *   AND, OR, NOT, ( )  upper case, as in Lucene; adjacent terms are joined by AND
 *
 * Matching: identifier fields (type, client_id, user_id, ip, log_id, ...) compare exactly. Text fields
 * (description, client_name, user_name, user_agent) and every wildcard pattern ignore case: SQLite's
 * LIKE ignores ASCII case and PostgreSQL's does not, so the repository lowercases both sides, which
 * gives the same answer on both dialects.
 */
import { invalid, type DomainError } from '../errors.js';
import type { LogFilter, LogSort } from '../../storage/repositories/logs.js';
import type { TermValue, Token } from '../search/ast.js';
import { SEARCH_CAPS } from '../search/caps.js';
import { parseSortParameter, rangeFieldNames, sortFieldNames, type FieldCatalog, type SearchField } from '../search/catalog.js';
import type { SearchProblem } from '../search/problems.js';
import { parseSearchQuery, type SearchLanguage } from '../search/query.js';
import { dateRange, dateTerm } from './log-dates.js';

export type { LogFilter, LogSort };

const queryError = (message: string, position?: number) =>
  invalid(`Invalid log search query: ${message}${position === undefined ? '' : ` (at character ${position + 1})`}.`, 'invalid_query_string');

// --- field types ----------------------------------------------------------------------------------

type LogField = SearchField<LogFilter>;

function valueFilter(field: string, ignoreCase: boolean, value: TermValue): LogFilter {
  if (value.segments.length === 1) return { op: 'equals', field, value: value.segments[0]!, ignoreCase };
  return { op: 'like', field, segments: value.segments };
}

/** Identifier-like: compares exactly (a wildcard pattern, like every pattern, ignores case). */
const exact = (field: string): LogField => ({ term: (value) => valueFilter(field, false, value) });

/** Free text: ignores case. */
const text = (field: string): LogField => ({ term: (value) => valueFilter(field, true, value) });

/** A date: a day, an instant or a range of either (log-dates.ts). */
const date = (field: 'date'): LogField => ({
  term: (value, { at }) => dateTerm(field, value, at, queryError),
  range: (range, { at }) => dateRange(field, range, at, queryError),
});

// --- the catalog ----------------------------------------------------------------------------------

/** Auth0's searchable log fields (some are never recorded by Tessera yet, and so match nothing). */
const LOG_FIELDS: FieldCatalog<LogFilter, string> = {
  fields: {
    log_id: exact('log_id'),
    type: exact('type'),
    client_id: exact('client_id'),
    user_id: exact('user_id'),
    ip: exact('ip'),
    connection: exact('connection'),
    connection_id: exact('connection_id'),
    strategy: exact('strategy'),
    strategy_type: exact('strategy_type'),
    hostname: exact('hostname'),
    organization_id: exact('organization_id'),
    description: text('description'),
    client_name: text('client_name'),
    user_name: text('user_name'),
    user_agent: text('user_agent'),
    date: date('date'),
  },
  // Per Auth0's documentation. A bare date-looking or wildcard term is still text: searched here only.
  bareTermFields: ['client_name', 'connection', 'description', 'ip', 'log_id', 'type', 'user_name'],
  existence: false,
  combine: {
    and: (filters) => ({ op: 'and', filters }),
    or: (filters) => ({ op: 'or', filters }),
    not: (filter) => ({ op: 'not', filter }),
  },
  // Fields Auth0 lets logs be sorted by (the repository maps them to columns).
  sortable: Object.fromEntries(
    ['date', 'connection', 'client_id', 'client_name', 'ip', 'user_id', 'user_name', 'description', 'user_agent', 'type', 'details', 'strategy', 'strategy_type'].map((name) => [name, name]),
  ),
};

// --- wording --------------------------------------------------------------------------------------

const describe = (token: Token): string => (token.kind === 'term' || token.kind === 'range' ? 'term' : `"${token.kind}"`);

function rejectLogQuery(p: SearchProblem): DomainError {
  switch (p.kind) {
    case 'tooLong':
      return queryError(`the query is longer than ${p.max} characters`);
    case 'unterminatedQuote':
      return queryError('unterminated quoted phrase', p.at);
    case 'danglingBackslash':
      return queryError('a backslash must be followed by the character it escapes', p.at);
    case 'missingValue':
      return queryError(`the field ${p.field} needs a value after the colon`, p.at);
    case 'groupedValues':
      return queryError(`grouped values (${p.field}:(a OR b)) are not supported; write (${p.field}:a OR ${p.field}:b)`, p.at);
    case 'badRange':
      return queryError(p.expected === 'end' ? 'a range must end with ] or }' : 'a range is written [from TO to]', p.at);
    case 'tooDeep':
      return queryError(`nesting deeper than ${p.max} levels`, p.at);
    case 'tooManyTerms':
      return queryError(`more than ${p.max} terms`, p.at);
    case 'danglingOperator':
      return queryError(`${p.operator} must be followed by a term`, p.at);
    case 'expectedTerm':
      return queryError(p.next ? `unexpected ${describe(p.next)}` : 'the query ends where a term was expected', p.at);
    case 'emptyGroup':
      return queryError('empty parentheses', p.at);
    case 'unclosedGroup':
      return queryError('unbalanced opening parenthesis', p.at);
    case 'unopenedGroup':
      return queryError('unbalanced closing parenthesis', p.at);
    case 'rangeWithoutField':
      return queryError('a range needs a field, as in date:[2026-01-01 TO 2026-01-31]', p.at);
    case 'unknownField':
      return queryError(`unknown field ${p.field}; searchable fields are ${Object.keys(LOG_FIELDS.fields).sort().join(', ')}`, p.at);
    case 'unsupportedUse':
      // Logs have no `_exists_`, so the one unsupported use is a range.
      return queryError(`ranges are supported on ${rangeFieldNames(LOG_FIELDS).join(', ')} only, not on ${p.field}`, p.at);
  }
}

const LOG_SEARCH: SearchLanguage<LogFilter, string> = {
  syntax: {
    prefixOperators: false,
    fieldName: /[A-Za-z_][A-Za-z0-9_.]*/,
    danglingBackslash: 'refuse',
    rangeBounds: 'words-or-phrases',
    bareRanges: true,
    escapedOperators: false,
    depthCheck: 'after-operand',
  },
  caps: SEARCH_CAPS.logs,
  catalog: LOG_FIELDS,
  reject: rejectLogQuery,
};

/** Parses a log search query; blank text means no filter. Throws `invalid_query_string` errors that say what is wrong. */
export function parseLogQuery(text: string): LogFilter | undefined {
  return parseSearchQuery(text, LOG_SEARCH);
}

export const DEFAULT_LOG_SORT: LogSort = { field: 'date', direction: 'desc' };

/** `date:-1` (newest first, the default) or `date:1`; Auth0's other sortable fields work the same way. */
export function parseLogSort(text: string | undefined): LogSort {
  const refuse = () =>
    invalid(`Invalid sort: expected a field and a direction such as date:-1 or date:1; sortable fields are ${sortFieldNames(LOG_FIELDS).join(', ')}.`, 'invalid_query_string');
  const sort = parseSortParameter(LOG_FIELDS, text, refuse);
  return sort ? { field: sort.field, direction: sort.descending ? 'desc' : 'asc' } : DEFAULT_LOG_SORT;
}
