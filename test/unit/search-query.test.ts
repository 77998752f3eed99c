/** The shared search module (domain/search/): tokenizer, parser, caps and field catalog, on a toy resource. */
import { describe, expect, it } from 'vitest';
import type { Token } from '../../src/domain/search/ast.js';
import { wildcardPattern } from '../../src/domain/search/ast.js';
import { MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, SEARCH_CAPS, type SearchCaps } from '../../src/domain/search/caps.js';
import { parseSortParameter, type FieldCatalog } from '../../src/domain/search/catalog.js';
import { parseTokens } from '../../src/domain/search/parser.js';
import type { Fail, SearchProblem } from '../../src/domain/search/problems.js';
import { parseSearchQuery, type SearchLanguage } from '../../src/domain/search/query.js';
import { tokenize, type QuerySyntax } from '../../src/domain/search/tokenizer.js';
import { DomainError } from '../../src/domain/errors.js';
import { parseLogQuery } from '../../src/domain/logs/log-query.js';
import { parseUserQuery } from '../../src/domain/users/user-search.js';

/** Problems come back as data: the test sees exactly what the module reported. */
class Problem extends Error {
  constructor(readonly problem: SearchProblem) {
    super(problem.kind);
  }
}
const fail: Fail = (problem) => {
  throw new Problem(problem);
};
function problemOf(run: () => unknown): SearchProblem | undefined {
  try {
    run();
  } catch (e) {
    if (e instanceof Problem) return e.problem;
    throw e;
  }
  return undefined;
}

const LUCENE: QuerySyntax = {
  prefixOperators: true,
  fieldName: /[A-Za-z_][A-Za-z0-9_.]*/,
  danglingBackslash: 'refuse',
  rangeBounds: 'words-or-phrases',
  bareRanges: true,
  escapedOperators: false,
  depthCheck: 'on-open',
};
const PLAIN: QuerySyntax = { ...LUCENE, prefixOperators: false, danglingBackslash: 'literal', rangeBounds: 'words', bareRanges: false };

const kinds = (tokens: Token[]) => tokens.map((t) => t.kind);

describe('search tokenizer', () => {
  it('reads fields, wildcards, escapes and quoted phrases', () => {
    expect(tokenize('name:j*n\\*e', LUCENE, fail)).toEqual([{ kind: 'term', at: 0, field: 'name', value: { segments: ['j', 'n*e'], quoted: false } }]);
    expect(tokenize('a\\ b', LUCENE, fail)).toEqual([{ kind: 'term', at: 0, value: { segments: ['a b'], quoted: false } }]);
    expect(tokenize('name:"a *b* \\"c\\""', LUCENE, fail)).toEqual([{ kind: 'term', at: 0, field: 'name', value: { segments: ['a *b* "c"'], quoted: true } }]);
    expect(tokenize('ip:::1', LUCENE, fail)).toEqual([{ kind: 'term', at: 0, field: 'ip', value: { segments: ['::1'], quoted: false } }]);
    // A word that does not start with a field name is a bare value, colon and all.
    expect(tokenize('1a:b', LUCENE, fail)).toEqual([{ kind: 'term', at: 0, value: { segments: ['1a:b'], quoted: false } }]);
  });

  it('reads ranges with inclusive, exclusive and open ends', () => {
    expect(tokenize('n:[1 TO *}', LUCENE, fail)).toEqual([{ kind: 'range', at: 0, field: 'n', lower: '1', lowerInclusive: true, upperInclusive: false }]);
    expect(tokenize('n:{ "a b" TO "*" ]', LUCENE, fail)).toEqual([{ kind: 'range', at: 0, field: 'n', lower: 'a b', upper: '*', lowerInclusive: false, upperInclusive: true }]);
    expect(problemOf(() => tokenize('n:[1 2]', LUCENE, fail))).toEqual({ kind: 'badRange', field: 'n', at: 5, expected: 'TO', closed: true });
    expect(problemOf(() => tokenize('n:[1 TO 2', LUCENE, fail))).toEqual({ kind: 'badRange', field: 'n', at: 9, expected: 'end', closed: false });
    // Plain word bounds: a quote is part of the bound, and a bound cannot be empty.
    expect(tokenize('n:["a TO b"]', PLAIN, fail)).toMatchObject([{ lower: '"a', upper: 'b"' }]);
    expect(problemOf(() => tokenize('n:[1 TO ]', PLAIN, fail))).toMatchObject({ kind: 'badRange', expected: 'bound' });
  });

  it('reads operators as whole words, and the prefix forms only where the syntax has them', () => {
    expect(kinds(tokenize('a AND b && c OR d || NOT(e)', LUCENE, fail))).toEqual(['term', 'AND', 'term', 'AND', 'term', 'OR', 'term', 'OR', 'NOT', '(', 'term', ')']);
    expect(kinds(tokenize('-a !b +c &&d', LUCENE, fail))).toEqual(['NOT', 'term', 'NOT', 'term', 'term', 'AND', 'term']);
    expect(kinds(tokenize('-a !b +c &&d', PLAIN, fail))).toEqual(['term', 'term', 'term', 'term']);
    expect(kinds(tokenize('and \\AND', LUCENE, fail))).toEqual(['term', 'term']);
    expect(kinds(tokenize('\\AND', { ...LUCENE, escapedOperators: true }, fail))).toEqual(['AND']);
  });

  it('reports what is wrong, and where', () => {
    expect(problemOf(() => tokenize('a "open', LUCENE, fail))).toEqual({ kind: 'unterminatedQuote', at: 2 });
    expect(problemOf(() => tokenize('name: x', LUCENE, fail))).toEqual({ kind: 'missingValue', field: 'name', at: 5 });
    expect(problemOf(() => tokenize('name:(a OR b)', LUCENE, fail))).toEqual({ kind: 'groupedValues', field: 'name', at: 5 });
    expect(problemOf(() => tokenize('abc\\', LUCENE, fail))).toEqual({ kind: 'danglingBackslash', at: 3 });
    expect(tokenize('abc\\', PLAIN, fail)).toMatchObject([{ value: { segments: ['abc\\'] } }]);
    expect(kinds(tokenize('[1 TO 2]', LUCENE, fail))).toEqual(['range']);
    expect(kinds(tokenize('[1 TO 2]', PLAIN, fail))).toEqual(['term', 'term', 'term']);
  });
});

describe('search parser', () => {
  const caps: SearchCaps = { maxLength: 100, maxDepth: 3, maxTerms: 4 };
  const parse = (text: string, depthCheck: QuerySyntax['depthCheck'] = 'on-open', maxTerms = caps.maxTerms) =>
    parseTokens(tokenize(text, LUCENE, fail), { caps: { ...caps, maxTerms }, depthCheck, textLength: text.length, fail, leaf: (t) => (t.kind === 'term' ? wildcardPattern(t.value) : 'range') });
  const leaf = (leaf: string) => ({ kind: 'leaf', leaf });

  it('builds the tree: NOT binds tightest, then AND (written or implicit), then OR', () => {
    expect(parse('a b OR NOT c AND (d OR e)', 'on-open', 5)).toEqual({
      kind: 'or',
      items: [
        { kind: 'and', items: [leaf('a'), leaf('b')] },
        { kind: 'and', items: [{ kind: 'not', item: leaf('c') }, { kind: 'or', items: [leaf('d'), leaf('e')] }] },
      ],
    });
  });

  it('names grammar problems', () => {
    expect(problemOf(() => parse('a AND'))).toEqual({ kind: 'danglingOperator', operator: 'AND', at: 2 });
    expect(problemOf(() => parse('a OR )'))).toMatchObject({ kind: 'danglingOperator', operator: 'OR', next: { kind: ')' } });
    expect(problemOf(() => parse('( )'))).toEqual({ kind: 'emptyGroup', at: 0 });
    expect(problemOf(() => parse('(a'))).toEqual({ kind: 'unclosedGroup', at: 0 });
    expect(problemOf(() => parse('a)'))).toEqual({ kind: 'unopenedGroup', at: 1 });
    expect(problemOf(() => parse('OR a'))).toMatchObject({ kind: 'expectedTerm', at: 0, next: { kind: 'OR' } });
    expect(problemOf(() => parse('a ('))).toEqual({ kind: 'expectedTerm', at: 2 });
  });

  it('holds queries to the depth and term caps', () => {
    expect(parse('NOT (NOT a)')).toEqual({ kind: 'not', item: { kind: 'not', item: leaf('a') } });
    expect(problemOf(() => parse('NOT (NOT (a))'))).toEqual({ kind: 'tooDeep', max: 3, at: 10 });
    expect(problemOf(() => parse('-----a'))).toMatchObject({ kind: 'tooDeep' });
    expect(parse('a b c d')).toMatchObject({ kind: 'and' });
    expect(problemOf(() => parse('a b c d e'))).toEqual({ kind: 'tooManyTerms', max: 4, at: 8 });
  });

  it('names a dangling NOT or an empty group at the cap first only when the syntax says so', () => {
    expect(problemOf(() => parse('NOT NOT NOT NOT'))).toMatchObject({ kind: 'tooDeep' });
    expect(problemOf(() => parse('NOT NOT NOT NOT', 'after-operand'))).toMatchObject({ kind: 'danglingOperator', operator: 'NOT' });
    expect(problemOf(() => parse('((( ()))'))).toMatchObject({ kind: 'tooDeep' });
    expect(problemOf(() => parse('((( ()))', 'after-operand'))).toMatchObject({ kind: 'emptyGroup' });
  });
});

describe('field catalog and search language', () => {
  type Cond = string;
  const catalog: FieldCatalog<Cond, string> = {
    fields: {
      name: { term: (v) => `name~${wildcardPattern(v)}`, exists: () => 'name?' },
      age: { term: (v) => `age=${wildcardPattern(v)}`, range: (r) => `age in ${r.lower ?? '*'}..${r.upper ?? '*'}` },
      tag: { term: (v) => `tag=${wildcardPattern(v)}` },
    },
    families: { 'meta.': (path) => ({ term: (v) => `meta[${path}]=${wildcardPattern(v)}` }) },
    bareTermFields: ['name', 'tag'],
    existence: true,
    combine: { and: (items) => `(${items.join(' & ')})`, or: (items) => `(${items.join(' | ')})`, not: (item) => `!${item}` },
    sortable: { name: 'name_col', nom: 'name_col', age: 'age_col' },
  };
  const toy: SearchLanguage<Cond, string> = {
    syntax: LUCENE,
    caps: { maxLength: 60, maxDepth: 2, maxTerms: 5 },
    catalog,
    reject: (problem) => new DomainError('invalid', JSON.stringify(problem), 'invalid_query_string'),
  };
  const rejected = (text: string) => {
    try {
      parseSearchQuery(text, toy);
    } catch (e) {
      return JSON.parse((e as DomainError).message) as SearchProblem;
    }
    return undefined;
  };

  it('compiles every term through its catalog entry, bare terms through the bare-term fields', () => {
    expect(parseSearchQuery('name:jo* -age:[1 TO *] meta.a.b:x OR bob _exists_:name', toy)).toBe('((name~jo* & !age in 1..* & meta[a.b]=x) | ((name~bob | tag=bob) & name?))');
    expect(parseSearchQuery('  ', toy)).toBeUndefined();
  });

  it('refuses unknown fields and uses a field does not take, as problems the resource words', () => {
    expect(rejected('colour:red')).toEqual({ kind: 'unknownField', field: 'colour', use: 'term', at: 0 });
    expect(rejected('tag:[a TO b]')).toEqual({ kind: 'unsupportedUse', field: 'tag', use: 'range', at: 0 });
    expect(rejected('_exists_:age')).toEqual({ kind: 'unsupportedUse', field: 'age', use: 'exists', at: 0 });
    expect(rejected('[a TO b]')).toEqual({ kind: 'rangeWithoutField', at: 0 });
    expect(rejected('constructor:x')).toMatchObject({ kind: 'unknownField', field: 'constructor' });
    expect(rejected('x'.repeat(61))).toEqual({ kind: 'tooLong', max: 60 });
  });

  it('reads sort=field:1|-1 by the catalog', () => {
    const refuse = () => new Error('bad sort');
    expect(parseSortParameter(catalog, 'nom:-1', refuse)).toEqual({ field: 'name_col', descending: true });
    expect(parseSortParameter(catalog, 'age:1', refuse)).toEqual({ field: 'age_col', descending: false });
    expect(parseSortParameter(catalog, undefined, refuse)).toBeUndefined();
    for (const bad of ['tag:1', 'age', 'age:0', 'constructor:1']) expect(() => parseSortParameter(catalog, bad, refuse)).toThrow('bad sort');
  });
});

describe('caps in one place', () => {
  it('users and logs are both held to the shared length and depth caps, each to its term cap', () => {
    expect(SEARCH_CAPS.users).toMatchObject({ maxLength: MAX_QUERY_LENGTH, maxDepth: MAX_QUERY_DEPTH });
    expect(SEARCH_CAPS.logs).toMatchObject({ maxLength: MAX_QUERY_LENGTH, maxDepth: MAX_QUERY_DEPTH });
    const long = `${'a '.repeat(MAX_QUERY_LENGTH / 2)}a`;
    expect(() => parseUserQuery(long)).toThrow(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
    expect(() => parseLogQuery(long)).toThrow(`Invalid log search query: the query is longer than ${MAX_QUERY_LENGTH} characters.`);
    const deep = (n: number) => `${'('.repeat(n)}type:a${')'.repeat(n)}`;
    expect(parseLogQuery(deep(MAX_QUERY_DEPTH))).toBeDefined();
    expect(() => parseLogQuery(deep(MAX_QUERY_DEPTH + 1))).toThrow(`nesting deeper than ${MAX_QUERY_DEPTH} levels`);
    const terms = (n: number) => Array.from({ length: n }, (_, i) => `type:t${i}`).join(' OR ');
    expect(parseLogQuery(terms(SEARCH_CAPS.logs.maxTerms))).toBeDefined();
    expect(() => parseLogQuery(terms(SEARCH_CAPS.logs.maxTerms + 1))).toThrow(`more than ${SEARCH_CAPS.logs.maxTerms} terms`);
  });
});
