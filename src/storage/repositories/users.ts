import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlDialect } from '../dialect.js';
import { fromFlag, fromJson, toFlag, toJson } from './json.js';

/**
 * A stored user. Searchable and unique fields are columns; `document` holds the rest of the
 * profile. `passwordHash` and `passwordHistory` never leave the domain layer.
 */
export interface UserRecord {
  tenantId: string;
  userId: string;
  connectionId: string;
  connection: string;
  /** Lowercased. */
  email: string | null;
  username: string | null;
  phoneNumber: string | null;
  name: string | null;
  nickname: string | null;
  givenName: string | null;
  familyName: string | null;
  emailVerified: boolean;
  /** null until an administrator sets it. */
  blocked: boolean | null;
  passwordHash: string | null;
  passwordHistory: string[];
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  document: Record<string, unknown>;
  loginsCount: number;
  lastLogin: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Columns a search can compare as text (case-insensitively). */
export type UserTextField = 'user_id' | 'email' | 'username' | 'phone_number' | 'name' | 'nickname' | 'given_name' | 'family_name' | 'connection';
export type UserFlagField = 'email_verified' | 'blocked';
export type UserDateField = 'created_at' | 'updated_at' | 'last_login';
export type UserRangeField = UserDateField | 'logins_count';
export type UserSortField = UserTextField | UserRangeField;

/**
 * A search condition over a tenant's users, built by the domain's query parser. `pattern` values
 * use `*` as the wildcard (any run of characters); everything else is literal.
 */
export type UserCondition =
  | { kind: 'and' | 'or'; items: UserCondition[] }
  | { kind: 'not'; item: UserCondition }
  | { kind: 'text'; field: UserTextField | UserDateField; pattern: string }
  | { kind: 'flag'; field: UserFlagField; value: boolean }
  | { kind: 'range'; field: UserRangeField; lower?: { value: string | number; inclusive: boolean }; upper?: { value: string | number; inclusive: boolean } }
  | { kind: 'exists'; field: UserTextField | UserRangeField }
  | { kind: 'metadata'; column: 'app_metadata' | 'user_metadata'; path: string[]; pattern: string };

export interface UserSort {
  field: UserSortField;
  descending: boolean;
}

type Row = Database['users'];
type Eb = ExpressionBuilder<Database, 'users'>;

const toRecord = (row: Row): UserRecord => ({
  tenantId: row.tenant_id,
  userId: row.user_id,
  connectionId: row.connection_id,
  connection: row.connection,
  email: row.email,
  username: row.username,
  phoneNumber: row.phone_number,
  name: row.name,
  nickname: row.nickname,
  givenName: row.given_name,
  familyName: row.family_name,
  emailVerified: fromFlag(row.email_verified),
  blocked: row.blocked === null ? null : fromFlag(row.blocked),
  passwordHash: row.password_hash,
  passwordHistory: row.password_history ? fromJson<string[]>(row.password_history) : [],
  appMetadata: fromJson(row.app_metadata),
  userMetadata: fromJson(row.user_metadata),
  document: fromJson(row.document),
  loginsCount: Number(row.logins_count),
  lastLogin: row.last_login,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

function toRow(user: UserRecord): Row {
  return {
    tenant_id: user.tenantId,
    user_id: user.userId,
    connection_id: user.connectionId,
    connection: user.connection,
    email: user.email,
    username: user.username,
    username_lower: user.username?.toLowerCase() ?? null,
    phone_number: user.phoneNumber,
    name: user.name,
    nickname: user.nickname,
    given_name: user.givenName,
    family_name: user.familyName,
    email_verified: toFlag(user.emailVerified),
    blocked: user.blocked === null ? null : toFlag(user.blocked),
    password_hash: user.passwordHash,
    password_history: user.passwordHistory.length ? toJson(user.passwordHistory) : null,
    app_metadata: toJson(user.appMetadata),
    user_metadata: toJson(user.userMetadata),
    document: toJson(user.document),
    logins_count: user.loginsCount,
    last_login: user.lastLogin,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/** `*` → `%`, with LIKE's own metacharacters escaped (escape character `\`). */
const likePattern = (pattern: string): string => pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');

export class UsersRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async insert(user: UserRecord): Promise<void> {
    await this.db.insertInto('users').values(toRow(user)).execute();
  }

  /** Writes every mutable column of the user. */
  async update(user: UserRecord): Promise<void> {
    const { tenant_id: _t, user_id: _u, connection_id: _ci, connection: _c, created_at: _ca, logins_count: _lc, last_login: _ll, ...changes } = toRow(user);
    await this.db.updateTable('users').set(changes).where('tenant_id', '=', user.tenantId).where('user_id', '=', user.userId).execute();
  }

  async findById(tenantId: string, userId: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** `email` must already be lowercased. */
  async findByEmail(tenantId: string, email: string): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('email', '=', email).orderBy('created_at').orderBy('user_id').execute();
    return rows.map(toRecord);
  }

  async findInConnection(tenantId: string, connectionId: string, by: { email: string } | { username: string } | { phoneNumber: string }): Promise<UserRecord | undefined> {
    let query = this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('connection_id', '=', connectionId);
    if ('email' in by) query = query.where('email', '=', by.email);
    else if ('username' in by) query = query.where('username_lower', '=', by.username.toLowerCase());
    else query = query.where('phone_number', '=', by.phoneNumber);
    const row = await query.executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async search(tenantId: string, condition: UserCondition | undefined, sort: UserSort | undefined, page: { offset: number; limit: number }): Promise<UserRecord[]> {
    let query = this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
    if (condition) query = query.where((eb) => this.compile(eb, condition));
    // Users without the field come last either way, on both dialects.
    if (sort) query = query.orderBy(sort.field, (ob) => (sort.descending ? ob.desc() : ob.asc()).nullsLast());
    const rows = await query.orderBy('created_at').orderBy('user_id').offset(page.offset).limit(page.limit).execute();
    return rows.map(toRecord);
  }

  async count(tenantId: string, condition: UserCondition | undefined): Promise<number> {
    let query = this.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).where('tenant_id', '=', tenantId);
    if (condition) query = query.where((eb) => this.compile(eb, condition));
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Counts a successful login atomically, so concurrent logins are all counted. */
  async recordLogin(tenantId: string, userId: string, at: string, document: Record<string, unknown>): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set((eb) => ({ logins_count: eb('logins_count', '+', 1), last_login: at, document: toJson(document) }))
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(tenantId: string, userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteForConnection(tenantId: string, connectionId: string): Promise<string[]> {
    const rows = await this.db.deleteFrom('users').where('tenant_id', '=', tenantId).where('connection_id', '=', connectionId).returning('user_id').execute();
    return rows.map((r) => r.user_id);
  }

  // --- search ----------------------------------------------------------------------------------

  private compile(eb: Eb, condition: UserCondition): Expression<SqlBool> {
    switch (condition.kind) {
      case 'and':
        return eb.and(condition.items.map((item) => this.compile(eb, item)));
      case 'or':
        return eb.or(condition.items.map((item) => this.compile(eb, item)));
      case 'not':
        // A missing field makes a comparison NULL, and NOT NULL is NULL: "not x" must still match it.
        return eb.not(sql<SqlBool>`coalesce(${this.compile(eb, condition.item)}, false)`);
      case 'text': {
        // Emails are stored lowercased; the other text fields compare case-insensitively, as Auth0's do.
        const column = condition.field === 'username' ? 'username_lower' : condition.field;
        const value = condition.pattern.toLowerCase();
        const target = column === 'email' || column === 'username_lower' ? eb.ref(column) : eb.fn<string>('lower', [eb.ref(column)]);
        if (!value.includes('*')) return eb(target, '=', value);
        return sql<SqlBool>`${target} like ${likePattern(value)} escape '\\'`;
      }
      case 'flag':
        return eb(condition.field, '=', toFlag(condition.value));
      case 'range': {
        const parts: Expression<SqlBool>[] = [];
        if (condition.lower) parts.push(eb(condition.field, condition.lower.inclusive ? '>=' : '>', condition.lower.value));
        if (condition.upper) parts.push(eb(condition.field, condition.upper.inclusive ? '<=' : '<', condition.upper.value));
        return parts.length ? eb.and(parts) : eb(condition.field, 'is not', null);
      }
      case 'exists':
        return eb(condition.field === 'username' ? 'username_lower' : condition.field, 'is not', null);
      case 'metadata':
        return this.metadataMatch(condition.column, condition.path, condition.pattern);
    }
  }

  /**
   * A metadata value at `path` equal to the pattern (case-sensitive), or matching it when it has a
   * wildcard (case-insensitive); an array matches when one of its elements does, as in Auth0.
   * Booleans and numbers compare by their JSON text (`true`, `42`).
   */
  private metadataMatch(column: 'app_metadata' | 'user_metadata', path: string[], pattern: string): Expression<SqlBool> {
    const wildcard = pattern.includes('*');
    const compare = (text: Expression<unknown>) => (wildcard ? sql<SqlBool>`lower(${text}) like ${likePattern(pattern.toLowerCase())} escape '\\'` : sql<SqlBool>`${text} = ${pattern}`);
    const col = sql.ref(column);
    if (this.dialect === 'postgres') {
      const at = sql`(${col}::jsonb #> ${path}::text[])`;
      const element = sql.ref('e');
      return sql<SqlBool>`(case when jsonb_typeof(${at}) = 'array'
        then exists (select 1 from jsonb_array_elements_text(${at}) as e where ${compare(element)})
        else ${compare(sql`(${col}::jsonb #>> ${path}::text[])`)} end)`;
    }
    const jsonPath = '$' + path.map((p) => `."${p.replace(/["\\]/g, '')}"`).join('');
    const asText = (type: Expression<unknown>, value: Expression<unknown>) =>
      sql`(case ${type} when 'true' then 'true' when 'false' then 'false' else cast(${value} as text) end)`;
    return sql<SqlBool>`(case when json_type(${col}, ${jsonPath}) = 'array'
      then exists (select 1 from json_each(${col}, ${jsonPath}) as e where ${compare(asText(sql.ref('e.type'), sql.ref('e.value')))})
      else ${compare(asText(sql`json_type(${col}, ${jsonPath})`, sql`json_extract(${col}, ${jsonPath})`))} end)`;
  }
}

/** A write refused by a unique constraint (SQLite or PostgreSQL), e.g. two creations racing. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
