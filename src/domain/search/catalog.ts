/**
 * A resource's field catalog: which fields a query may name, what each accepts (a value, a range,
 * `_exists_`), and the storage condition each becomes. Field names are looked up here, never
 * spliced into SQL; values travel to the repository inside its condition, which binds them as
 * parameters. Adding a searchable field is one entry in the resource's catalog.
 */
import { own } from '../../util/own.js';
import type { QueryNode, RangeToken, TermToken, TermValue } from './ast.js';
import { wildcardPattern } from './ast.js';
import type { Fail } from './problems.js';

/** Where a term stands, for a field's own messages. */
export interface TermSite {
  /** The field name as written (for a bare term: the field it is being matched in). */
  readonly field: string;
  readonly at: number;
}

export interface SearchField<Condition> {
  /** `field:value` */
  term(value: TermValue, site: TermSite): Condition;
  /** `field:[lower TO upper]`; a field without it refuses ranges. */
  range?(range: RangeToken, site: TermSite): Condition;
  /** `_exists_:field`: the field is set; a field without it refuses `_exists_`. */
  exists?(): Condition;
}

/** How a repository's conditions combine (each repository has its own shape of AND, OR and NOT). */
export interface Combinators<Condition> {
  and(items: Condition[]): Condition;
  or(items: Condition[]): Condition;
  not(item: Condition): Condition;
}

export interface FieldCatalog<Condition, SortField> {
  /** Searchable fields by their Auth0 name. */
  readonly fields: Readonly<Record<string, SearchField<Condition>>>;
  /** Fields named by a prefix and a path (`app_metadata.` + `plan`): the prefix, and the field for a path. */
  readonly families?: Readonly<Record<string, (path: string) => SearchField<Condition>>>;
  /** Fields a term without `field:` is matched in: any of them may match. */
  readonly bareTermFields: readonly string[];
  /** Whether `_exists_:field` is understood (otherwise `_exists_` is just an unknown field). */
  readonly existence: boolean;
  readonly combine: Combinators<Condition>;
  /** `sort=name:1|-1`: the names accepted, in the order messages list them, and the storage field each sorts by. */
  readonly sortable: Readonly<Record<string, SortField>>;
}

const EXISTS = '_exists_';

/** The catalog's field of that name, if there is one. */
export function fieldNamed<C, S>(catalog: FieldCatalog<C, S>, name: string): SearchField<C> | undefined {
  const field = own(catalog.fields, name);
  if (field) return field;
  for (const [prefix, family] of Object.entries(catalog.families ?? {})) {
    if (name.startsWith(prefix)) return family(name.slice(prefix.length));
  }
  return undefined;
}

/** Names of the fields that take ranges, in catalog order (for messages). */
export const rangeFieldNames = <C, S>(catalog: FieldCatalog<C, S>): string[] => Object.keys(catalog.fields).filter((name) => catalog.fields[name]!.range);

/** One term or range of the query as the repository's condition. */
export function compileLeaf<C, S>(catalog: FieldCatalog<C, S>, token: TermToken | RangeToken, fail: Fail): C {
  const { at } = token;
  if (token.kind === 'range') {
    if (token.field === undefined) return fail({ kind: 'rangeWithoutField', at });
    const field = fieldNamed(catalog, token.field) ?? fail({ kind: 'unknownField', field: token.field, use: 'range', at });
    if (!field.range) return fail({ kind: 'unsupportedUse', field: token.field, use: 'range', at });
    return field.range(token, { field: token.field, at });
  }
  if (token.field === undefined) {
    return catalog.combine.or(catalog.bareTermFields.map((name) => catalog.fields[name]!.term(token.value, { field: name, at })));
  }
  if (token.field === EXISTS && catalog.existence) {
    const name = wildcardPattern(token.value);
    const field = fieldNamed(catalog, name) ?? fail({ kind: 'unknownField', field: name, use: 'exists', at });
    if (!field.exists) return fail({ kind: 'unsupportedUse', field: name, use: 'exists', at });
    return field.exists();
  }
  const field = fieldNamed(catalog, token.field) ?? fail({ kind: 'unknownField', field: token.field, use: 'term', at });
  return field.term(token.value, { field: token.field, at });
}

/** The parsed tree in the repository's own shape. */
export function toCondition<C>(node: QueryNode<C>, combine: Combinators<C>): C {
  switch (node.kind) {
    case 'leaf':
      return node.leaf;
    case 'not':
      return combine.not(toCondition(node.item, combine));
    case 'and':
      return combine.and(node.items.map((item) => toCondition(item, combine)));
    case 'or':
      return combine.or(node.items.map((item) => toCondition(item, combine)));
  }
}

/** `sort=field:1` (ascending) or `field:-1` (descending); undefined when absent, the catalog's refusal when not one of its names. */
export function parseSortParameter<C, S>(catalog: FieldCatalog<C, S>, text: string | undefined, refuse: () => Error): { field: S; descending: boolean } | undefined {
  if (text === undefined || text === '') return undefined;
  const match = /^([a-z_.]+):(1|-1)$/.exec(text);
  const field = match ? own(catalog.sortable, match[1]!) : undefined;
  if (!match || field === undefined) throw refuse();
  return { field, descending: match[2] === '-1' };
}

/** The storage fields a sort may name, each once, in catalog order (for messages). */
export const sortFieldNames = <C, S>(catalog: FieldCatalog<C, S>): S[] => [...new Set(Object.values(catalog.sortable))];
