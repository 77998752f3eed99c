import { describe, expect, it } from 'vitest';
import { parseUserQuery, parseUserSort } from '../../src/domain/users/user-search.js';
import { DomainError } from '../../src/domain/errors.js';

const text = (field: string, pattern: string) => ({ kind: 'text', field, pattern });

describe('user search queries (q, search engine v3)', () => {
  it('matches everything for an empty query', () => {
    for (const q of [undefined, '', '  ', '*', '*:*']) expect(parseUserQuery(q)).toBeUndefined();
  });

  it('parses field terms, quoted values and wildcards', () => {
    expect(parseUserQuery('email:"jane@example.com"')).toEqual(text('email', 'jane@example.com'));
    expect(parseUserQuery('email:jane*')).toEqual(text('email', 'jane*'));
    expect(parseUserQuery('name:"Jane \\"JD\\" Doe"')).toEqual(text('name', 'Jane "JD" Doe'));
    expect(parseUserQuery('user_id:auth0|abc')).toEqual(text('user_id', 'auth0|abc'));
    expect(parseUserQuery('identities.connection:"Username-Password-Authentication"')).toEqual(text('connection', 'Username-Password-Authentication'));
    expect(parseUserQuery('identities.provider:auth0')).toEqual(text('user_id', 'auth0|*'));
    expect(parseUserQuery('created_at:2024-05')).toEqual(text('created_at', '2024-05*'));
  });

  it('parses flags, counts, ranges, _exists_ and metadata paths', () => {
    expect(parseUserQuery('email_verified:true')).toEqual({ kind: 'flag', field: 'email_verified', value: true });
    expect(parseUserQuery('logins_count:3')).toEqual({ kind: 'range', field: 'logins_count', lower: { value: 3, inclusive: true }, upper: { value: 3, inclusive: true } });
    expect(parseUserQuery('logins_count:[1 TO 10}')).toEqual({ kind: 'range', field: 'logins_count', lower: { value: 1, inclusive: true }, upper: { value: 10, inclusive: false } });
    expect(parseUserQuery('created_at:{2024-01-01 TO *]')).toEqual({ kind: 'range', field: 'created_at', lower: { value: '2024-01-01', inclusive: false } });
    expect(parseUserQuery('_exists_:last_login')).toEqual({ kind: 'exists', field: 'last_login' });
    expect(parseUserQuery('app_metadata.billing.plan:"pro"')).toEqual({ kind: 'metadata', column: 'app_metadata', path: ['billing', 'plan'], pattern: 'pro' });
  });

  it('combines with AND, OR, NOT, -, parentheses and implicit AND, NOT binding tightest', () => {
    const a = text('email', 'a*');
    const b = text('name', 'b');
    const c = text('nickname', 'c');
    expect(parseUserQuery('email:a* AND name:b')).toEqual({ kind: 'and', items: [a, b] });
    expect(parseUserQuery('email:a* name:b')).toEqual({ kind: 'and', items: [a, b] });
    expect(parseUserQuery('email:a* && name:b || nickname:c')).toEqual({ kind: 'or', items: [{ kind: 'and', items: [a, b] }, c] });
    expect(parseUserQuery('email:a* AND (name:b OR nickname:c)')).toEqual({ kind: 'and', items: [a, { kind: 'or', items: [b, c] }] });
    expect(parseUserQuery('NOT email:a* -name:b')).toEqual({ kind: 'and', items: [{ kind: 'not', item: a }, { kind: 'not', item: b }] });
  });

  it('turns a bare term into a match on the profile fields', () => {
    const parsed = parseUserQuery('jane@example.com');
    expect(parsed).toMatchObject({ kind: 'or' });
    expect((parsed as { items: Array<{ field: string; pattern: string }> }).items.map((i) => i.field)).toEqual(['user_id', 'email', 'username', 'name', 'nickname', 'given_name', 'family_name']);
    expect((parsed as { items: Array<{ pattern: string }> }).items.every((i) => i.pattern === 'jane@example.com')).toBe(true);
  });

  it.each([
    'email:"open',
    '(email:a',
    'email:a)',
    'AND email:a',
    'email:',
    'password:x',
    'email_verified:maybe',
    'logins_count:-1',
    'name:[a TO b]',
    'created_at:[2024]',
    'app_metadata.a$b:x',
    'app_metadata:x',
    'email:(a OR b)',
    '_exists_:app_metadata',
  ])('refuses %j with a 400', (q) => {
    let error: unknown;
    try {
      parseUserQuery(q);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_query_string' });
  });
});

describe('user sort', () => {
  it('parses field:1 and field:-1', () => {
    expect(parseUserSort('created_at:1')).toEqual({ field: 'created_at', descending: false });
    expect(parseUserSort('email:-1')).toEqual({ field: 'email', descending: true });
    expect(parseUserSort('identities.connection:1')).toEqual({ field: 'connection', descending: false });
    expect(parseUserSort(undefined)).toBeUndefined();
  });

  it.each(['email', 'email:0', 'app_metadata.x:1', 'password_hash:1'])('refuses %j', (sort) => {
    expect(() => parseUserSort(sort)).toThrow(DomainError);
  });
});
