/**
 * The `q` parameter of `GET /api/v2/users` (search engine v3): a subset of Lucene query syntax,
 * parsed into a storage-level condition.
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
import type { UserCondition, UserSort, UserSortField, UserTextField } from '../../storage/repositories/users.js';
import { invalid } from '../errors.js';
import { own } from '../../util/own.js';

const TEXT_FIELDS: Record<string, UserTextField> = {
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
};
const DATE_FIELDS = new Set(['created_at', 'updated_at', 'last_login'] as const);
const FLAG_FIELDS = new Set(['email_verified', 'blocked'] as const);
const BARE_TERM_FIELDS: UserTextField[] = ['user_id', 'email', 'username', 'name', 'nickname', 'given_name', 'family_name'];
const SORT_FIELDS = new Set<UserSortField>([...new Set(Object.values(TEXT_FIELDS)), 'created_at', 'updated_at', 'last_login', 'logins_count']);
const METADATA_KEY = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Bounds that keep the generated SQL small, as the log search has (domain/logs/log-query.ts):
 * SQLite refuses expressions deeper than 1,000 levels, and the parser below recurses per level,
 * so ~600 nested NOTs were a 500 (issue 11, finding 14). No real search needs more.
 */
export const MAX_QUERY_DEPTH = 8;
export const MAX_QUERY_TERMS = 64;

const problem = (detail: string) => invalid(`Query validation error: invalid q: ${detail}.`, 'invalid_query_string');

// --- tokens ---------------------------------------------------------------------------------------

type Token =
  | { type: '(' | ')' | 'AND' | 'OR' | 'NOT' }
  | { type: 'term'; field?: string; value: string; quoted: boolean }
  | { type: 'range'; field: string; lower: string; upper: string; lowerInclusive: boolean; upperInclusive: boolean };

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readWord = (): string => {
    let word = '';
    while (i < q.length && !/[\s()]/.test(q[i]!)) {
      if (q[i] === '\\' && i + 1 < q.length) i++;
      word += q[i++];
    }
    return word;
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let text = '';
    while (i < q.length && q[i] !== '"') {
      if (q[i] === '\\' && i + 1 < q.length) i++;
      text += q[i++];
    }
    if (i >= q.length) throw problem('unterminated quoted string');
    i++; // closing quote
    return text;
  };

  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c });
      i++;
    } else if (q.startsWith('&&', i) || q.startsWith('||', i)) {
      tokens.push({ type: c === '&' ? 'AND' : 'OR' });
      i += 2;
    } else if ((c === '-' || c === '!') && i + 1 < q.length && !/\s/.test(q[i + 1]!)) {
      tokens.push({ type: 'NOT' });
      i++;
    } else if (c === '+') {
      i++; // "required" marker: terms are ANDed anyway
    } else if (c === '"') {
      tokens.push({ type: 'term', value: readQuoted(), quoted: true });
    } else {
      const start = i;
      // A field name runs to the first colon; unknown or malformed names are refused by fieldTerm.
      const colon = /^([^\s():"\\]+):/.exec(q.slice(i));
      if (colon) {
        const field = colon[1]!;
        i += colon[0].length;
        if (q[i] === '"') tokens.push({ type: 'term', field, value: readQuoted(), quoted: true });
        else if (q[i] === '[' || q[i] === '{') tokens.push(readRange(field));
        else if (q[i] === '(') throw problem(`grouping after "${field}:" is not supported; repeat the field for each value`);
        else {
          const value = readWord();
          if (!value) throw problem(`missing value after "${field}:"`);
          tokens.push({ type: 'term', field, value, quoted: false });
        }
      } else {
        const word = readWord();
        if (word === 'AND' || word === 'OR' || word === 'NOT') tokens.push({ type: word });
        else if (word) tokens.push({ type: 'term', value: word, quoted: false });
        else throw problem(`unexpected character at position ${start + 1}`);
      }
    }
  }
  return tokens;

  function readRange(field: string): Token {
    const open = q[i]!;
    const close = /[\]}]/.exec(q.slice(i));
    if (!close) throw problem(`unterminated range for "${field}"`);
    const body = q.slice(i + 1, i + close.index);
    const bounds = /^\s*(\S+)\s+TO\s+(\S+)\s*$/.exec(body);
    if (!bounds) throw problem(`a range for "${field}" must look like [from TO to]`);
    const closing = q[i + close.index]!;
    i += close.index + 1;
    return { type: 'range', field, lower: bounds[1]!, upper: bounds[2]!, lowerInclusive: open === '[', upperInclusive: closing === ']' };
  }
}

// --- parser ---------------------------------------------------------------------------------------

/** Parses `q`; an empty query (or `*`, `*:*`) matches every user and yields undefined. */
export function parseUserQuery(q: string | undefined): UserCondition | undefined {
  const text = q?.trim() ?? '';
  if (text === '' || text === '*' || text === '*:*') return undefined;
  if (text.length > 2000) throw problem('the query is longer than 2000 characters');
  const tokens = tokenize(text);
  let position = 0;
  let terms = 0;
  const peek = () => tokens[position];
  // Each NOT and each parenthesis is one level deeper.
  const deeper = (depth: number): number => {
    if (depth >= MAX_QUERY_DEPTH) throw problem(`NOT and parentheses nested deeper than ${MAX_QUERY_DEPTH} levels`);
    return depth + 1;
  };

  const parseOr = (depth: number): UserCondition => {
    const items = [parseAnd(depth)];
    while (peek()?.type === 'OR') {
      position++;
      items.push(parseAnd(depth));
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const parseAnd = (depth: number): UserCondition => {
    const items = [parseUnary(depth)];
    for (;;) {
      const next = peek();
      if (!next || next.type === 'OR' || next.type === ')') break;
      if (next.type === 'AND') position++;
      items.push(parseUnary(depth));
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const parseUnary = (depth: number): UserCondition => {
    if (peek()?.type === 'NOT') {
      position++;
      return { kind: 'not', item: parseUnary(deeper(depth)) };
    }
    return parsePrimary(depth);
  };
  const parsePrimary = (depth: number): UserCondition => {
    const token = tokens[position++];
    if (!token) throw problem('the query ends unexpectedly');
    if (token.type === 'term' || token.type === 'range') {
      if (++terms > MAX_QUERY_TERMS) throw problem(`more than ${MAX_QUERY_TERMS} terms`);
    }
    if (token.type === '(') {
      const inner = parseOr(deeper(depth));
      if (tokens[position++]?.type !== ')') throw problem('missing ")"');
      return inner;
    }
    if (token.type === 'term') return token.field === undefined ? bareTerm(token.value) : fieldTerm(token.field, token.value);
    if (token.type === 'range') return rangeTerm(token);
    throw problem(`unexpected "${token.type}"`);
  };

  const condition = parseOr(0);
  if (position < tokens.length) throw problem(`unexpected "${tokens[position]!.type}"`);
  return condition;
}

function bareTerm(value: string): UserCondition {
  return { kind: 'or', items: BARE_TERM_FIELDS.map((field) => ({ kind: 'text', field, pattern: value })) };
}

function fieldTerm(field: string, value: string): UserCondition {
  const text = own(TEXT_FIELDS, field);
  if (text) return { kind: 'text', field: text, pattern: value };
  if (field === '_exists_') return existsTerm(value);
  if (field === 'identities.provider') return { kind: 'text', field: 'user_id', pattern: `${value}|*` };
  if (field === 'identities.user_id') return { kind: 'text', field: 'user_id', pattern: `*|${value}` };
  if (FLAG_FIELDS.has(field as never)) {
    if (value !== 'true' && value !== 'false') throw problem(`"${field}" must be true or false`);
    return { kind: 'flag', field: field as 'email_verified' | 'blocked', value: value === 'true' };
  }
  // A date matches by prefix: created_at:2024-05 is every user created in May 2024.
  if (DATE_FIELDS.has(field as never)) return { kind: 'text', field: field as 'created_at', pattern: value.endsWith('*') ? value : `${value}*` };
  if (field === 'logins_count') {
    const count = integerOf(field, value);
    return { kind: 'range', field, lower: { value: count, inclusive: true }, upper: { value: count, inclusive: true } };
  }
  const metadata = metadataPath(field);
  if (metadata) return { kind: 'metadata', ...metadata, pattern: value };
  throw problem(`"${field}" is not a searchable field`);
}

function rangeTerm(token: Extract<Token, { type: 'range' }>): UserCondition {
  const { field } = token;
  const isCount = field === 'logins_count';
  if (!isCount && !DATE_FIELDS.has(field as never)) throw problem(`ranges are supported on created_at, updated_at, last_login and logins_count, not "${field}"`);
  const bound = (value: string) => (isCount ? integerOf(field, value) : value);
  return {
    kind: 'range',
    field: field as 'created_at' | 'logins_count',
    ...(token.lower !== '*' ? { lower: { value: bound(token.lower), inclusive: token.lowerInclusive } } : {}),
    ...(token.upper !== '*' ? { upper: { value: bound(token.upper), inclusive: token.upperInclusive } } : {}),
  };
}

function existsTerm(field: string): UserCondition {
  const text = own(TEXT_FIELDS, field);
  if (text) return { kind: 'exists', field: text };
  if (DATE_FIELDS.has(field as never) || field === 'logins_count') return { kind: 'exists', field: field as 'created_at' };
  throw problem(`_exists_ is supported on profile fields and dates, not "${field}"`);
}

function metadataPath(field: string): { column: 'app_metadata' | 'user_metadata'; path: string[] } | undefined {
  const [column, ...path] = field.split('.');
  if ((column !== 'app_metadata' && column !== 'user_metadata') || path.length === 0) return undefined;
  if (!path.every((key) => METADATA_KEY.test(key))) throw problem(`"${field}" is not a valid metadata path`);
  return { column, path };
}

function integerOf(field: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw problem(`"${field}" must be a whole number`);
  return Number(value);
}

/** `sort=field:1` (ascending) or `field:-1` (descending). */
export function parseUserSort(sort: string | undefined): UserSort | undefined {
  if (sort === undefined || sort === '') return undefined;
  const match = /^([a-z_.]+):(1|-1)$/.exec(sort);
  const field = match ? (TEXT_FIELDS[match[1]!] ?? match[1]) : undefined;
  if (!match || !SORT_FIELDS.has(field as UserSortField)) {
    throw invalid(`Query validation error: 'sort' must be <field>:1 or <field>:-1 with field one of ${[...SORT_FIELDS].join(', ')}.`, 'invalid_query_string');
  }
  return { field: field as UserSortField, descending: match[2] === '-1' };
}
