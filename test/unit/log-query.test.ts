import { describe, expect, it } from 'vitest';
import { parseLogQuery, parseLogSort } from '../../src/domain/logs/log-query.js';
import { DomainError } from '../../src/domain/errors.js';

const BARE = ['client_name', 'connection', 'description', 'ip', 'log_id', 'type', 'user_name'];

function rejects(q: string, message: RegExp): void {
  let error: unknown;
  try {
    parseLogQuery(q);
  } catch (e) {
    error = e;
  }
  expect(error, q).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe('invalid_query_string');
  expect((error as DomainError).kind).toBe('invalid');
  expect((error as DomainError).message).toMatch(message);
}

describe('parseLogQuery', () => {
  it('treats blank text as no filter', () => {
    expect(parseLogQuery('')).toBeUndefined();
    expect(parseLogQuery('   ')).toBeUndefined();
  });

  it('matches identifier fields exactly and text fields ignoring case', () => {
    expect(parseLogQuery('type:feacft')).toEqual({ op: 'equals', field: 'type', value: 'feacft', ignoreCase: false });
    expect(parseLogQuery('client_id:abc')).toEqual({ op: 'equals', field: 'client_id', value: 'abc', ignoreCase: false });
    expect(parseLogQuery('user_id:auth0|123')).toEqual({ op: 'equals', field: 'user_id', value: 'auth0|123', ignoreCase: false });
    expect(parseLogQuery('ip:::1')).toEqual({ op: 'equals', field: 'ip', value: '::1', ignoreCase: false });
    expect(parseLogQuery('client_name:Backend')).toEqual({ op: 'equals', field: 'client_name', value: 'Backend', ignoreCase: true });
  });

  it('turns * into wildcards anywhere in an unquoted value, and \\* into a literal star', () => {
    expect(parseLogQuery('description:*secret*')).toEqual({ op: 'like', field: 'description', segments: ['', 'secret', ''] });
    expect(parseLogQuery('type:f*')).toEqual({ op: 'like', field: 'type', segments: ['f', ''] });
    expect(parseLogQuery('description:a*b')).toEqual({ op: 'like', field: 'description', segments: ['a', 'b'] });
    expect(parseLogQuery('description:5\\*')).toEqual({ op: 'equals', field: 'description', value: '5*', ignoreCase: true });
    expect(parseLogQuery('description:100%_done*')).toEqual({ op: 'like', field: 'description', segments: ['100%_done', ''] });
  });

  it('keeps quoted phrases whole, without wildcards', () => {
    expect(parseLogQuery('description:"Wrong email or password."')).toEqual({ op: 'equals', field: 'description', value: 'Wrong email or password.', ignoreCase: true });
    expect(parseLogQuery('description:"a *star* and a \\"quote\\""')).toEqual({ op: 'equals', field: 'description', value: 'a *star* and a "quote"', ignoreCase: true });
    expect(parseLogQuery('description:""')).toEqual({ op: 'equals', field: 'description', value: '', ignoreCase: true });
  });

  it('joins terms with AND (implicit or written), OR and NOT, and honours parentheses', () => {
    const t = (value: string) => ({ op: 'equals', field: 'type', value, ignoreCase: false });
    expect(parseLogQuery('type:a client_id:b')).toEqual({ op: 'and', filters: [t('a'), { op: 'equals', field: 'client_id', value: 'b', ignoreCase: false }] });
    expect(parseLogQuery('type:a AND type:b')).toEqual({ op: 'and', filters: [t('a'), t('b')] });
    expect(parseLogQuery('type:a && type:b')).toEqual({ op: 'and', filters: [t('a'), t('b')] });
    // AND binds tighter than OR.
    expect(parseLogQuery('type:a OR type:b AND type:c')).toEqual({ op: 'or', filters: [t('a'), { op: 'and', filters: [t('b'), t('c')] }] });
    expect(parseLogQuery('(type:a OR type:b) AND type:c')).toEqual({ op: 'and', filters: [{ op: 'or', filters: [t('a'), t('b')] }, t('c')] });
    expect(parseLogQuery('NOT type:a')).toEqual({ op: 'not', filter: t('a') });
    expect(parseLogQuery('type:a NOT(type:b)')).toEqual({ op: 'and', filters: [t('a'), { op: 'not', filter: t('b') }] });
    // Operators are upper case only; lower-case "and" is a bare term.
    expect(parseLogQuery('type:AND')).toEqual(t('AND'));
  });

  it('searches bare terms in the bare-term fields', () => {
    const filter = parseLogQuery('sapi') as { op: string; filters: Array<{ field: string; op: string }> };
    expect(filter.op).toBe('or');
    expect(filter.filters.map((f) => f.field)).toEqual(BARE);
    expect(filter.filters.find((f) => f.field === 'type')).toEqual({ op: 'equals', field: 'type', value: 'sapi', ignoreCase: false });
    const phrase = parseLogQuery('"Bad secret"') as { filters: unknown[] };
    expect(phrase.filters).toContainEqual({ op: 'equals', field: 'description', value: 'Bad secret', ignoreCase: true });
    const wildcard = parseLogQuery('*secret*') as { filters: unknown[] };
    expect(wildcard.filters).toContainEqual({ op: 'like', field: 'description', segments: ['', 'secret', ''] });
  });

  it('reads dates as whole UTC days or instants, and ranges with inclusive and exclusive ends', () => {
    expect(parseLogQuery('date:2026-03-01')).toEqual({
      op: 'range',
      field: 'date',
      lower: { value: '2026-03-01T00:00:00.000Z', inclusive: true },
      upper: { value: '2026-03-02T00:00:00.000Z', inclusive: false },
    });
    expect(parseLogQuery('date:2026-03-01T10:00:00Z')).toEqual({ op: 'equals', field: 'date', value: '2026-03-01T10:00:00.000Z', ignoreCase: false });
    expect(parseLogQuery('date:[2026-01-01 TO 2026-12-31]')).toEqual({
      op: 'range',
      field: 'date',
      lower: { value: '2026-01-01T00:00:00.000Z', inclusive: true },
      upper: { value: '2027-01-01T00:00:00.000Z', inclusive: false },
    });
    expect(parseLogQuery('date:{2026-01-01 TO 2026-12-31}')).toEqual({
      op: 'range',
      field: 'date',
      lower: { value: '2026-01-02T00:00:00.000Z', inclusive: true },
      upper: { value: '2026-12-31T00:00:00.000Z', inclusive: false },
    });
    expect(parseLogQuery('date:[2026-01-01T12:00:00+02:00 TO *]')).toEqual({ op: 'range', field: 'date', lower: { value: '2026-01-01T10:00:00.000Z', inclusive: true } });
    expect(parseLogQuery('date:{* TO 2026-01-01T12:00:00.5Z}')).toEqual({ op: 'range', field: 'date', upper: { value: '2026-01-01T12:00:00.500Z', inclusive: false } });
    // Without an offset, a timestamp is UTC whatever the server's zone.
    expect(parseLogQuery('date:2026-01-01T12:00')).toEqual({ op: 'equals', field: 'date', value: '2026-01-01T12:00:00.000Z', ignoreCase: false });
  });

  it('rejects malformed queries with a message that says what is wrong', () => {
    rejects('colour:blue', /unknown field colour; searchable fields are .*description/);
    rejects('type:', /the field type needs a value/);
    rejects('type: sapi', /the field type needs a value/);
    rejects('description:"open', /unterminated quoted phrase \(at character 13\)/);
    rejects('(type:a', /unbalanced opening parenthesis/);
    rejects('type:a)', /unbalanced closing parenthesis/);
    rejects('()', /empty parentheses/);
    rejects('type:a AND', /AND must be followed by a term/);
    rejects('type:a OR', /OR must be followed by a term/);
    rejects('NOT', /NOT must be followed by a term/);
    rejects('AND type:a', /unexpected "AND"/);
    rejects('date:yesterday', /yesterday is not a date/);
    rejects('date:2026-02-30', /2026-02-30 is not a valid date/);
    rejects('date:2026-*', /date does not take wildcards/);
    rejects('date:[2026-01-01 2026-02-01]', /a range is written \[from TO to\]/);
    rejects('date:[2026-01-01 TO 2026-02-01', /a range must end with \] or \}/);
    rejects('type:[a TO b]', /ranges are supported on date only, not on type/);
    rejects('[2026-01-01 TO 2026-02-01]', /a range needs a field/);
    rejects('type:(a OR b)', /grouped values/);
    rejects('description:abc\\', /a backslash must be followed/);
    rejects(Array.from({ length: 33 }, (_, i) => `type:t${i}`).join(' OR '), /more than 32 terms/);
    rejects(`${'('.repeat(10)}type:a${')'.repeat(10)}`, /nesting deeper than 8 levels/);
  });
});

describe('parseLogSort', () => {
  it('defaults to newest first and reads field:1 / field:-1', () => {
    expect(parseLogSort(undefined)).toEqual({ field: 'date', direction: 'desc' });
    expect(parseLogSort('')).toEqual({ field: 'date', direction: 'desc' });
    expect(parseLogSort('date:1')).toEqual({ field: 'date', direction: 'asc' });
    expect(parseLogSort('date:-1')).toEqual({ field: 'date', direction: 'desc' });
    expect(parseLogSort('client_name:1')).toEqual({ field: 'client_name', direction: 'asc' });
  });

  it('rejects anything else naming the allowed forms', () => {
    for (const bad of ['date', 'date:0', 'date:asc', 'colour:1', 'date:-1;drop table logs']) {
      expect(() => parseLogSort(bad), bad).toThrow(/Invalid sort: expected a field and a direction such as date:-1 or date:1/);
    }
  });
});
