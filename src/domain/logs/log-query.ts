/**
 * Auth0's log search (`q`, search engine v3): a subset of Lucene parsed into a `LogFilter` tree,
 * which the logs repository turns into a parameterized WHERE clause. Nothing from the query text is
 * ever spliced into SQL: field names are looked up in a fixed catalog, values travel as parameters.
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
import { invalid } from '../errors.js';
import type { DateBound, LogFilter, LogSort } from '../../storage/repositories/logs.js';
import { own } from '../../util/own.js';

export type { LogFilter, LogSort };

/** Identifier-like values compare exactly; free text ignores case. */
type FieldKind = 'keyword' | 'text' | 'date';

/** Auth0's searchable log fields (some are never recorded by Tessera yet, and so match nothing). */
const SEARCHABLE: Record<string, FieldKind> = {
  log_id: 'keyword',
  type: 'keyword',
  client_id: 'keyword',
  user_id: 'keyword',
  ip: 'keyword',
  connection: 'keyword',
  connection_id: 'keyword',
  strategy: 'keyword',
  strategy_type: 'keyword',
  hostname: 'keyword',
  organization_id: 'keyword',
  description: 'text',
  client_name: 'text',
  user_name: 'text',
  user_agent: 'text',
  date: 'date',
};

/** Fields a term without `field:` is searched in, per Auth0's documentation. */
const BARE_TERM_FIELDS = ['client_name', 'connection', 'description', 'ip', 'log_id', 'type', 'user_name'] as const;

/** Bounds that keep the generated SQL small (SQLite caps expression depth and bound parameters). */
const MAX_TERMS = 32;
const MAX_DEPTH = 8;

const queryError = (message: string, position?: number) =>
  invalid(`Invalid log search query: ${message}${position === undefined ? '' : ` (at character ${position + 1})`}.`, 'invalid_query_string');

/** Parses a log search query; blank text means no filter. Throws `invalid_query_string` errors that say what is wrong. */
export function parseLogQuery(text: string): LogFilter | undefined {
  if (text.trim() === '') return undefined;
  return new Parser(text).parse();
}

// ---- tokens --------------------------------------------------------------------------------------

/** A value as written: literal pieces split at unescaped `*` wildcards (one piece: no wildcard). */
interface Value {
  segments: string[];
  quoted: boolean;
}

type Token =
  | { kind: '(' | ')' | 'AND' | 'OR' | 'NOT'; at: number }
  | { kind: 'term'; at: number; field?: string; value: Value }
  | { kind: 'range'; at: number; field?: string; lower: Value; upper: Value; lowerInclusive: boolean; upperInclusive: boolean };

const OPERATORS: Record<string, 'AND' | 'OR' | 'NOT'> = { AND: 'AND', '&&': 'AND', OR: 'OR', '||': 'OR', NOT: 'NOT' };
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

  /** An unquoted word: up to whitespace or a parenthesis; `\x` is a literal x, `*` a wildcard. */
  const word = (): Value => {
    const segments: string[] = [];
    let current = '';
    while (i < text.length && !isSpace(text[i]) && text[i] !== '(' && text[i] !== ')') {
      const c = text[i]!;
      if (c === '\\') {
        if (i + 1 >= text.length) throw queryError('a backslash must be followed by the character it escapes', i);
        current += text[i + 1];
        i += 2;
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

  const quoted = (): Value => {
    const start = i;
    i++; // opening quote
    let out = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      out += text[i];
      i++;
    }
    if (i >= text.length) throw queryError('unterminated quoted phrase', start);
    i++; // closing quote
    return { segments: [out], quoted: true };
  };

  const rangeEnd = (): Value => {
    if (text[i] === '"') return quoted();
    let bound = '';
    while (i < text.length && !isSpace(text[i]) && text[i] !== ']' && text[i] !== '}') bound += text[i++];
    return { segments: bound === '*' ? ['', ''] : [bound], quoted: false };
  };

  const skipSpaces = () => {
    while (isSpace(text[i])) i++;
  };

  const range = (at: number, field: string | undefined): Token => {
    const lowerInclusive = text[i] === '[';
    i++;
    skipSpaces();
    const lower = rangeEnd();
    skipSpaces();
    if (text.slice(i, i + 2) !== 'TO' || !(isSpace(text[i + 2]) || text[i + 2] === undefined)) throw queryError('a range is written [from TO to]', i);
    i += 2;
    skipSpaces();
    const upper = rangeEnd();
    skipSpaces();
    if (text[i] !== ']' && text[i] !== '}') throw queryError('a range must end with ] or }', i);
    const upperInclusive = text[i] === ']';
    i++;
    return { kind: 'range', at, field, lower, upper, lowerInclusive, upperInclusive };
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
    if (c === '"') {
      tokens.push({ kind: 'term', at, value: quoted() });
      continue;
    }
    // An operator is a whole word of its own.
    const bareWord = /^\S+/.exec(text.slice(i))![0].replace(/[()].*$/, '');
    const operator = own(OPERATORS, bareWord);
    if (operator) {
      tokens.push({ kind: operator, at });
      i += bareWord.length;
      continue;
    }
    // `field:` prefix?
    const colon = text.indexOf(':', i);
    const candidate = colon > i ? text.slice(i, colon) : '';
    if (candidate && FIELD_NAME.test(candidate)) {
      const field = candidate;
      i = colon + 1;
      if (i >= text.length || isSpace(text[i]) || text[i] === ')') throw queryError(`the field ${field} needs a value after the colon`, i);
      if (text[i] === '"') tokens.push({ kind: 'term', at, field, value: quoted() });
      else if (text[i] === '[' || text[i] === '{') tokens.push(range(at, field));
      else if (text[i] === '(') throw queryError(`grouped values (${field}:(a OR b)) are not supported; write (${field}:a OR ${field}:b)`, i);
      else tokens.push({ kind: 'term', at, field, value: word() });
      continue;
    }
    if (c === '[' || c === '{') {
      tokens.push(range(at, undefined));
      continue;
    }
    tokens.push({ kind: 'term', at, value: word() });
  }
  return tokens;
}

// ---- grammar: or := and (OR and)* ; and := not ([AND] not)* ; not := NOT not | ( or ) | term ----

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private terms = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  parse(): LogFilter {
    const filter = this.or(0);
    const extra = this.tokens[this.pos];
    if (extra) throw queryError(extra.kind === ')' ? 'unbalanced closing parenthesis' : `unexpected ${describe(extra)}`, extra.at);
    return filter;
  }

  private or(depth: number): LogFilter {
    const filters = [this.and(depth)];
    while (this.peek()?.kind === 'OR') {
      const op = this.tokens[this.pos++]!;
      if (!this.startsOperand()) throw queryError('OR must be followed by a term', op.at);
      filters.push(this.and(depth));
    }
    return filters.length === 1 ? filters[0]! : { op: 'or', filters };
  }

  private and(depth: number): LogFilter {
    const filters = [this.not(depth)];
    for (;;) {
      const next = this.peek();
      if (next?.kind === 'AND') {
        this.pos++;
        if (!this.startsOperand()) throw queryError('AND must be followed by a term', next.at);
      } else if (!this.startsOperand()) break;
      filters.push(this.not(depth));
    }
    return filters.length === 1 ? filters[0]! : { op: 'and', filters };
  }

  private not(depth: number): LogFilter {
    if (depth > MAX_DEPTH) throw queryError(`nesting deeper than ${MAX_DEPTH} levels`, this.peek()?.at);
    const token = this.peek();
    if (!token) throw queryError('the query ends where a term was expected', this.text.length - 1);
    if (token.kind === 'NOT') {
      this.pos++;
      if (!this.startsOperand()) throw queryError('NOT must be followed by a term', token.at);
      return { op: 'not', filter: this.not(depth + 1) };
    }
    if (token.kind === '(') {
      this.pos++;
      if (this.peek()?.kind === ')') throw queryError('empty parentheses', token.at);
      const inner = this.or(depth + 1);
      if (this.peek()?.kind !== ')') throw queryError('unbalanced opening parenthesis', token.at);
      this.pos++;
      return inner;
    }
    if (token.kind === 'term' || token.kind === 'range') {
      this.pos++;
      if (++this.terms > MAX_TERMS) throw queryError(`more than ${MAX_TERMS} terms`, token.at);
      return token.kind === 'term' ? termFilter(token) : rangeFilter(token);
    }
    throw queryError(`unexpected ${describe(token)}`, token.at);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private startsOperand(): boolean {
    const kind = this.peek()?.kind;
    return kind === 'term' || kind === 'range' || kind === '(' || kind === 'NOT';
  }
}

const describe = (token: Token): string => (token.kind === 'term' || token.kind === 'range' ? 'term' : `"${token.kind}"`);

// ---- terms → filters -----------------------------------------------------------------------------

function fieldKind(field: string, at: number): FieldKind {
  const kind = own(SEARCHABLE, field);
  if (!kind) throw queryError(`unknown field ${field}; searchable fields are ${Object.keys(SEARCHABLE).sort().join(', ')}`, at);
  return kind;
}

function termFilter(token: Extract<Token, { kind: 'term' }>): LogFilter {
  if (token.field === undefined) {
    // A bare date-looking or wildcard term is still text: it is searched in the bare-term fields only.
    return { op: 'or', filters: BARE_TERM_FIELDS.map((field) => valueFilter(field, SEARCHABLE[field]!, token.value)) };
  }
  const kind = fieldKind(token.field, token.at);
  if (kind === 'date') return dateTerm(token.value, token.at);
  return valueFilter(token.field, kind, token.value);
}

function valueFilter(field: string, kind: FieldKind, value: Value): LogFilter {
  if (value.segments.length === 1) return { op: 'equals', field, value: value.segments[0]!, ignoreCase: kind === 'text' };
  return { op: 'like', field, segments: value.segments };
}

function dateTerm(value: Value, at: number): LogFilter {
  if (value.segments.length > 1) throw queryError('date does not take wildcards; use a range such as date:[2026-01-01 TO 2026-01-31]', at);
  const parsed = parseDate(value.segments[0]!, at);
  // A day means all of it; an instant means exactly that instant.
  if (parsed.day) return { op: 'range', field: 'date', lower: { value: parsed.start, inclusive: true }, upper: { value: parsed.next, inclusive: false } };
  return { op: 'equals', field: 'date', value: parsed.start, ignoreCase: false };
}

function rangeFilter(token: Extract<Token, { kind: 'range' }>): LogFilter {
  if (token.field === undefined) throw queryError('a range needs a field, as in date:[2026-01-01 TO 2026-01-31]', token.at);
  if (fieldKind(token.field, token.at) !== 'date') throw queryError(`ranges are supported on date only, not on ${token.field}`, token.at);
  const bound = (value: Value, inclusive: boolean, isUpper: boolean): DateBound | undefined => {
    if (!value.quoted && value.segments.length === 2 && value.segments.every((s) => s === '')) return undefined; // `*`: open end
    if (value.segments.length > 1) throw queryError('a range bound is a date or *', token.at);
    const parsed = parseDate(value.segments[0]!, token.at);
    if (!parsed.day) return { value: parsed.start, inclusive };
    // Day bounds cover whole days: [.. TO 2026-01-31] includes the 31st, {2026-01-01 TO ..} starts on the 2nd.
    if (isUpper) return { value: inclusive ? parsed.next : parsed.start, inclusive: false };
    return { value: inclusive ? parsed.start : parsed.next, inclusive: true };
  };
  const lower = bound(token.lower, token.lowerInclusive, false);
  const upper = bound(token.upper, token.upperInclusive, true);
  const filter: LogFilter = { op: 'range', field: 'date' };
  if (lower) filter.lower = lower;
  if (upper) filter.upper = upper;
  return filter;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A `YYYY-MM-DD` day (UTC) or an ISO-8601 instant, normalized to the stored `toISOString()` form. */
function parseDate(text: string, at: number): { day: boolean; start: string; next: string } {
  const day = DAY.exec(text);
  if (day) {
    const start = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
    // Date.UTC rolls 2026-02-30 over into March; a real calendar day reads back unchanged.
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== text || start.getUTCFullYear() < 1000) {
      throw queryError(`${text} is not a valid date`, at);
    }
    return { day: true, start: start.toISOString(), next: new Date(start.getTime() + 86_400_000).toISOString() };
  }
  // Without an offset, an instant is read as UTC (JavaScript would read it as local time).
  const parts = INSTANT.exec(text);
  const instant = parts ? new Date(parts[3] ? text : `${text}Z`) : undefined;
  if (!instant || Number.isNaN(instant.getTime()) || instant.getUTCFullYear() < 1000 || instant.getUTCFullYear() > 9999) {
    throw queryError(`${text} is not a date; use YYYY-MM-DD or an ISO-8601 timestamp`, at);
  }
  return { day: false, start: instant.toISOString(), next: instant.toISOString() };
}

// ---- sort ----------------------------------------------------------------------------------------

/** Fields Auth0 lets logs be sorted by. */
const SORTABLE = ['date', 'connection', 'client_id', 'client_name', 'ip', 'user_id', 'user_name', 'description', 'user_agent', 'type', 'details', 'strategy', 'strategy_type'];

export const DEFAULT_LOG_SORT: LogSort = { field: 'date', direction: 'desc' };

/** `date:-1` (newest first, the default) or `date:1`; Auth0's other sortable fields work the same way. */
export function parseLogSort(text: string | undefined): LogSort {
  if (text === undefined || text === '') return DEFAULT_LOG_SORT;
  const match = /^([a-z_]+):(1|-1)$/.exec(text);
  if (!match || !SORTABLE.includes(match[1]!)) {
    throw invalid(`Invalid sort: expected a field and a direction such as date:-1 or date:1; sortable fields are ${SORTABLE.join(', ')}.`, 'invalid_query_string');
  }
  return { field: match[1]!, direction: match[2] === '1' ? 'asc' : 'desc' };
}
