/**
 * Users through the Management API over real TLS, driven by the official SDKs (v7 and v4):
 * creation in database and passwordless connections with the password policy, bcrypt storage and
 * hash import, search (`q`, sort, pagination, fields), users-by-email, PATCH semantics (metadata
 * merge, password re-check and history), deletion, tenant isolation and validation. The login
 * helpers (find, check password, record login) run in process against the server's database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementClient, ManagementError } from 'auth0';
import { ManagementApiError, ManagementClient as ManagementClientV4 } from 'auth0-v4';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { sql } from 'kysely';
import { startTlsServer, thrown, type TlsTestServer } from '../support/tls.js';
import { openDatabase } from '../../src/storage/database.js';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { Storage } from '../../src/storage/storage.js';
import { UserService } from '../../src/domain/users/user-service.js';

let tls: TlsTestServer;
const tokens: Record<string, string> = {};
const DB = 'Username-Password-Authentication';
const STRONG = 'Correct-Horse-9';

const v7 = (tenant: string) => {
  const creds = tls.server.bootstrapOf(tenant);
  return new ManagementClient({ domain: tls.hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: tls.caFetch, maxRetries: 0 });
};
const v4 = (tenant: string) => {
  const creds = tls.server.bootstrapOf(tenant);
  return new ManagementClientV4({ domain: tls.hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: tls.caFetch, retry: { enabled: false } });
};

const api = (tenant: string, method: string, path: string, body?: unknown) => tls.api(tenant, tokens[tenant]!, method, path, body);
const userPath = (userId: string) => `/api/v2/users/${encodeURIComponent(userId)}`;

async function createUser(tenant: string, body: Record<string, unknown>): Promise<any> {
  const res = await api(tenant, 'POST', '/api/v2/users', { connection: DB, password: STRONG, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function tenantId(storage: Storage, name: string): Promise<string> {
  return (await storage.repos.tenants.findByName(name))!.id;
}

/** The server's own database, opened in this process for the login helpers and raw checks. */
async function withStorage<T>(work: (storage: Storage) => Promise<T>): Promise<T> {
  const { db, dialect } = await openDatabase(parseDatabaseUrl(tls.server.database.url));
  const storage = new Storage(db, dialect);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

beforeAll(async () => {
  tls = await startTlsServer(['dev', 'acme']);
  await tls.server.createTenant('acme');
  tokens.dev = await tls.tokenFor('dev');
  tokens.acme = await tls.tokenFor('acme');
});

afterAll(async () => tls?.close());

describe('auth0 v7 ManagementClient', () => {
  it('creates a database user with Auth0 defaults and never shows the password', async () => {
    const management = v7('dev');
    const user = await management.users.create({
      connection: DB,
      email: 'Jane.Doe@Example.com',
      password: STRONG,
      given_name: 'Jane',
      family_name: 'Doe',
      user_metadata: { theme: 'dark' },
      app_metadata: { plan: 'pro', roles: ['admin', 'billing'] },
    });
    expect(user).toMatchObject({
      user_id: expect.stringMatching(/^auth0\|[0-9a-f]{24}$/),
      email: 'jane.doe@example.com',
      email_verified: false,
      name: 'jane.doe@example.com',
      nickname: 'jane.doe',
      given_name: 'Jane',
      family_name: 'Doe',
      picture: expect.stringMatching(/^https:\/\//),
      user_metadata: { theme: 'dark' },
      app_metadata: { plan: 'pro', roles: ['admin', 'billing'] },
      logins_count: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(user.identities).toEqual([{ connection: DB, user_id: user.user_id!.slice('auth0|'.length), provider: 'auth0', isSocial: false }]);
    expect(JSON.stringify(user)).not.toMatch(/password|\$2[aby]\$/);

    const fetched = await management.users.get(user.user_id!);
    expect(fetched).toEqual(user);
    expect(await management.users.get(user.user_id!, { fields: 'email,user_id', include_fields: true })).toEqual({ email: 'jane.doe@example.com', user_id: user.user_id });

    const byEmail = await management.users.listUsersByEmail({ email: 'JANE.DOE@example.COM' });
    expect(byEmail.map((u) => u.user_id)).toEqual([user.user_id]);
  });

  it('searches with q and pages with totals', async () => {
    const management = v7('dev');
    for (const [email, name] of [['search-a@v7.test', 'Alpha Search'], ['search-b@v7.test', 'Beta Search'], ['other@v7.test', 'Gamma']] as const) {
      await createUser('dev', { email, name });
    }
    const page = await management.users.list({ q: 'email:search-*', search_engine: 'v3', sort: 'email:1', per_page: 1 });
    expect(page.data.map((u) => u.email)).toEqual(['search-a@v7.test']);
    expect(page.response).toMatchObject({ start: 0, limit: 1, length: 1, total: 2 });
    const emails: string[] = [];
    for await (const user of await management.users.list({ q: 'email:search-*', sort: 'email:-1', per_page: 1 })) emails.push(user.email!);
    expect(emails).toEqual(['search-b@v7.test', 'search-a@v7.test']);
  });

  it('updates with merged metadata, then deletes', async () => {
    const management = v7('dev');
    const user = await createUser('dev', { email: 'patch-v7@example.com', user_metadata: { a: 1, b: 2 }, app_metadata: { keep: true, drop: 'x' } });
    const updated = await management.users.update(user.user_id, {
      name: 'Patched',
      blocked: true,
      email_verified: true,
      user_metadata: { b: null, c: 3 },
      app_metadata: { drop: null, added: { nested: true } },
    } as never);
    expect(updated).toMatchObject({ name: 'Patched', blocked: true, email_verified: true, user_metadata: { a: 1, c: 3 }, app_metadata: { keep: true, added: { nested: true } } });
    expect(updated.user_metadata).not.toHaveProperty('b');
    expect(updated.app_metadata).not.toHaveProperty('drop');
    expect(Date.parse(updated.updated_at!)).toBeGreaterThanOrEqual(Date.parse(user.updated_at));

    // An empty object clears the metadata.
    expect((await management.users.update(user.user_id, { user_metadata: {} })).user_metadata).toEqual({});

    await management.users.delete(user.user_id);
    const error = await thrown(management.users.get(user.user_id));
    expect(error).toBeInstanceOf(ManagementError);
    expect(error.statusCode).toBe(404);
  });

  it('answers a weak password and a duplicate email as Auth0 does', async () => {
    const management = v7('dev');
    const weak = await thrown(management.users.create({ connection: DB, email: 'weak@example.com', password: 'password' }));
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toMatchObject({ statusCode: 400, message: 'PasswordStrengthError: Password is too weak' });

    await createUser('dev', { email: 'twice@example.com' });
    const duplicate = await thrown(management.users.create({ connection: DB, email: 'TWICE@example.com', password: STRONG }));
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: 'The user already exists.' });
  });
});

describe('auth0 v4 ManagementClient', () => {
  it('creates, reads, searches, finds by email, updates and deletes', async () => {
    const management = v4('dev');
    const { data: user, status } = await management.users.create({ connection: DB, email: 'v4.user@example.com', password: STRONG, name: 'Vee Four', app_metadata: { tier: 'gold' } });
    expect(status).toBe(201);
    expect(user).toMatchObject({ user_id: expect.stringMatching(/^auth0\|/), email: 'v4.user@example.com', name: 'Vee Four' });

    expect((await management.users.get({ id: user.user_id })).data).toEqual(user);

    const found = await management.users.getAll({ q: `user_id:"${user.user_id}"`, search_engine: 'v3', include_totals: true });
    expect(found.data).toMatchObject({ total: 1, start: 0, length: 1, users: [{ user_id: user.user_id }] });
    const plain = await management.users.getAll({ q: 'app_metadata.tier:gold' });
    expect((plain.data as unknown as Array<{ user_id: string }>).map((u) => u.user_id)).toEqual([user.user_id]);

    expect((await management.usersByEmail.getByEmail({ email: 'V4.USER@example.com' })).data.map((u) => u.user_id)).toEqual([user.user_id]);

    const { data: updated } = await management.users.update({ id: user.user_id }, { nickname: 'v4', user_metadata: { lang: 'fr' } });
    expect(updated).toMatchObject({ nickname: 'v4', user_metadata: { lang: 'fr' }, app_metadata: { tier: 'gold' } });

    expect((await management.users.delete({ id: user.user_id })).status).toBe(204);
    const error = await thrown(management.users.get({ id: user.user_id }));
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error.statusCode).toBe(404);
  });
});

describe('search', () => {
  let ids: Record<string, string>;

  beforeAll(async () => {
    const people = {
      ann: { email: 'ann@search.test', name: 'Ann Archer', app_metadata: { plan: 'pro', seats: 5, active: true, tags: ['red', 'blue'] } },
      bob: { email: 'bob@search.test', name: 'Bob Baker', app_metadata: { plan: 'free', active: false }, user_metadata: { city: 'Paris' } },
      cid: { email: 'cid@elsewhere.test', name: 'Cid Carter', app_metadata: { plan: 'pro' }, email_verified: true },
    };
    ids = {};
    for (const [key, body] of Object.entries(people)) ids[key] = (await createUser('dev', body)).user_id;
  });

  const search = async (q: string, extra = '') => {
    const res = await api('dev', 'GET', `/api/v2/users?search_engine=v3&q=${encodeURIComponent(q)}${extra}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Array<{ user_id: string; email: string }>;
  };
  const idsOf = (users: Array<{ user_id: string }>) => users.map((u) => u.user_id).sort();

  it.each([
    ['email:"ann@search.test"', ['ann']],
    ['email:ANN@SEARCH.TEST', ['ann']],
    ['email:*@search.test', ['ann', 'bob']],
    ['name:"Bob Baker"', ['bob']],
    ['name:bob*', ['bob']],
    ['app_metadata.plan:pro AND email:*.test', ['ann', 'cid']],
    ['app_metadata.plan:"pro" AND NOT email:cid*', ['ann']],
    ['app_metadata.plan:free OR email_verified:true', ['bob', 'cid']],
    ['app_metadata.tags:blue', ['ann']],
    ['app_metadata.active:true', ['ann']],
    ['app_metadata.seats:5', ['ann']],
    ['user_metadata.city:Paris', ['bob']],
    ['email:*@search.test AND NOT user_metadata.city:Paris', ['ann']], // NOT matches users without the field
    ['(email:ann* OR email:bob*) -name:Bob*', ['ann']],
    ['Cid Carter', []],
    ['"Cid Carter"', ['cid']],
    ['cid@elsewhere.test', ['cid']],
  ])('q=%s', async (q, expected) => {
    const found = (await search(q)).filter((u) => Object.values(ids).includes(u.user_id));
    expect(idsOf(found)).toEqual(expected.map((k) => ids[k]!).sort());
  });

  it('matches user_id exactly, identities.connection, and date ranges', async () => {
    expect(idsOf(await search(`user_id:"${ids.bob}"`))).toEqual([ids.bob]);
    const all = await search(`identities.connection:"${DB}" AND email:*search.test`);
    expect(idsOf(all)).toEqual([ids.ann!, ids.bob!].sort());
    expect((await search('created_at:[2000-01-01 TO *] AND email:*@search.test')).length).toBe(2);
    expect((await search('created_at:{* TO 2000-01-01} AND email:*@search.test')).length).toBe(0);
    expect((await search('logins_count:[0 TO 0] AND email:*@search.test')).length).toBe(2);
    expect((await search('_exists_:last_login AND email:*@search.test')).length).toBe(0);
  });

  it('sorts, projects fields and pages', async () => {
    const sorted = await search('email:*@search.test', '&sort=name:-1&fields=name,email&include_fields=true');
    expect(sorted).toEqual([
      { name: 'Bob Baker', email: 'bob@search.test' },
      { name: 'Ann Archer', email: 'ann@search.test' },
    ]);
    const excluded = await search('email:ann@search.test', '&fields=identities,app_metadata,user_metadata,picture&include_fields=false');
    expect(Object.keys(excluded[0]!)).not.toContain('identities');
    expect(excluded[0]).toHaveProperty('email');
    const second = await api('dev', 'GET', `/api/v2/users?q=${encodeURIComponent('email:*@search.test')}&sort=email:1&per_page=1&page=1&include_totals=true`);
    expect(second.body).toMatchObject({ start: 1, limit: 1, length: 1, total: 2, users: [{ email: 'bob@search.test' }] });
  });

  it('refuses malformed queries and sorts with 400', async () => {
    for (const q of ['email:"unterminated', 'nosuchfield:x', '(email:a', 'logins_count:many', 'app_metadata.a b.c:x', 'name:[a TO b]', 'AND', 'constructor:x', 'toString:1', '__proto__:x', '_exists_:constructor']) {
      const res = await api('dev', 'GET', `/api/v2/users?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
    }
    for (const sort of ['email', 'email:2', 'password:1']) expect((await api('dev', 'GET', `/api/v2/users?sort=${sort}`)).status).toBe(400);
    expect((await api('dev', 'GET', '/api/v2/users?search_engine=v1')).status).toBe(400);
    const deep = await api('dev', 'GET', '/api/v2/users?per_page=100&page=10');
    expect(deep.status).toBe(400);
    expect(deep.body.message).toContain('1000');
  });
});

describe('passwords', () => {
  it('stores bcrypt cost 10 hashes, and the login helpers find, verify and count', async () => {
    const user = await createUser('dev', { email: 'login@example.com', password: STRONG });
    await withStorage(async (storage) => {
      const dev = await tenantId(storage, 'dev');
      const row = await storage.db.selectFrom('users').select(['password_hash', 'email']).where('tenant_id', '=', dev).where('user_id', '=', user.user_id).executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
      expect(row.email).toBe('login@example.com');

      const users = new UserService(storage);
      const login = await users.findForLogin(dev, DB, 'LOGIN@example.com');
      expect(login?.user.user_id).toBe(user.user_id);
      expect(await users.checkPassword(dev, login, STRONG)).toBe(true);
      expect(await users.checkPassword(dev, login, 'Wrong-Horse-9')).toBe(false);
      expect(await users.checkPassword(dev, undefined, STRONG)).toBe(false);
      expect(await users.findForLogin(dev, DB, 'nobody@example.com')).toBeUndefined();
      expect(await users.findForLogin(await tenantId(storage, 'acme'), DB, 'login@example.com')).toBeUndefined();

      await users.recordLogin(login!, { ip: '203.0.113.7' });
      await users.recordLogin(login!, { ip: '203.0.113.8' });
    });
    const after = (await api('dev', 'GET', userPath(user.user_id))).body;
    expect(after).toMatchObject({ logins_count: 2, last_ip: '203.0.113.8', last_login: expect.any(String) });
    expect((await api('dev', 'GET', `/api/v2/users?q=${encodeURIComponent('logins_count:[2 TO *] AND email:login@example.com')}`)).body).toHaveLength(1);
  });

  it('imports bcrypt hashes (password_hash and custom_password_hash) and rehashes weak ones at login', async () => {
    const a = await createUser('dev', { email: 'imported-a@example.com', password: undefined, password_hash: await bcryptHash('legacy-a', { cost: 4, version: '2a' }) });
    const b = await createUser('dev', {
      email: 'imported-b@example.com',
      password: undefined,
      custom_password_hash: { algorithm: 'bcrypt', hash: { value: await bcryptHash('legacy-b', { cost: 10 }) } },
    });
    for (const [body, message] of [
      [{ password_hash: 'not-a-hash' }, /bcrypt/],
      [{ custom_password_hash: { algorithm: 'md5', hash: { value: '5f4dcc3b5aa765d61d8327deb882cf99', encoding: 'hex' } } }, /md5/],
      [{ password_hash: await bcryptHash('x', { cost: 4 }), password: STRONG }, /only one/],
    ] as const) {
      const res = await api('dev', 'POST', '/api/v2/users', { connection: DB, email: 'import-bad@example.com', ...body });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    await withStorage(async (storage) => {
      const dev = await tenantId(storage, 'dev');
      const users = new UserService(storage);
      const loginA = (await users.findForLogin(dev, DB, 'imported-a@example.com'))!;
      expect(loginA.user.user_id).toBe(a.user_id);
      expect(await users.checkPassword(dev, loginA, 'legacy-a')).toBe(true);
      await users.recordLogin(loginA, { password: 'legacy-a' });
      const rehashed = await storage.db.selectFrom('users').select('password_hash').where('tenant_id', '=', dev).where('user_id', '=', a.user_id).executeTakeFirstOrThrow();
      expect(rehashed.password_hash).toMatch(/^\$2b\$10\$/);
      expect(await users.checkPassword(dev, (await users.findForLogin(dev, DB, 'imported-a@example.com'))!, 'legacy-a')).toBe(true);

      const loginB = (await users.findForLogin(dev, DB, 'imported-b@example.com'))!;
      expect(loginB.user.user_id).toBe(b.user_id);
      expect(await users.checkPassword(dev, loginB, 'legacy-b')).toBe(true);
    });
  });

  it('applies the connection policy, dictionary, personal-info and history rules on create and PATCH', async () => {
    const connection = await api('dev', 'POST', '/api/v2/connections', {
      name: 'strict-db',
      strategy: 'auth0',
      options: {
        passwordPolicy: 'excellent',
        password_complexity_options: { min_length: 12 },
        password_history: { enable: true, size: 2 },
        password_dictionary: { enable: true, dictionary: ['Tessera-Secret-2025'] },
        password_no_personal_info: { enable: true },
      },
    });
    expect(connection.status).toBe(201);
    const create = (password: string, extra: object = {}) => api('dev', 'POST', '/api/v2/users', { connection: 'strict-db', email: 'strict@example.com', password, ...extra });
    const cases: Array<[string, string, object?]> = [
      ['Short-1a', 'PasswordStrengthError: Password is too weak'],
      ['Looooong-Enough-1', 'PasswordStrengthError: Password is too weak'], // three identical in a row
      ['tessera-secret-2025', 'PasswordDictionaryError: Password is too common'],
      ['Qwerty123!', 'PasswordStrengthError: Password is too weak'],
      ['Strictly-Mallory-7', 'PasswordNoUserInfoError: Password is based on user information', { name: 'Mallory Smith' }],
      ['Strict-Person-42', 'PasswordNoUserInfoError: Password is based on user information'], // email local part
      ['Ab1-'.repeat(19), 'PasswordStrengthError: Password is too long (at most 72 bytes)'],
    ];
    for (const [password, message, extra] of cases) {
      const res = await create(password, extra);
      expect(res.status, password).toBe(400);
      expect(res.body.message).toBe(message);
    }
    const user = (await create('Grand-Piano-47')).body;
    expect(user.user_id).toMatch(/^auth0\|/);

    // History of 2: the current and the previous password are refused.
    const patch = (password: string) => api('dev', 'PATCH', userPath(user.user_id), { password });
    expect((await patch('Grand-Piano-47')).body.message).toBe('PasswordHistoryError: Password has previously been used');
    expect((await patch('Upright-Piano-58')).status).toBe(200);
    expect((await patch('Grand-Piano-47')).body.message).toBe('PasswordHistoryError: Password has previously been used');
    expect((await patch('weak')).body.message).toBe('PasswordStrengthError: Password is too weak');
    const third = await patch('Baby-Grand-Piano-69');
    expect(third.status).toBe(200);
    expect(third.body.last_password_reset).toEqual(expect.any(String));
    expect((await patch('Grand-Piano-47')).status).toBe(200); // two changes ago is out of a history of 2

    await withStorage(async (storage) => {
      const users = new UserService(storage);
      const dev = await tenantId(storage, 'dev');
      const login = await users.findForLogin(dev, 'strict-db', 'strict@example.com');
      expect(await users.checkPassword(dev, login, 'Grand-Piano-47')).toBe(true);
      expect(await users.checkPassword(dev, login, 'Baby-Grand-Piano-69')).toBe(false);
    });

    const both = await api('dev', 'PATCH', userPath(user.user_id), { password: 'Another-Piano-80', email: 'new@example.com' });
    expect(both.status).toBe(400);
    expect(both.body.message).toBe('Cannot update password and email simultaneously');
    expect((await api('dev', 'PATCH', userPath(user.user_id), { connection: 'other-connection', name: 'x' })).status).toBe(400);
    expect((await api('dev', 'PATCH', userPath(user.user_id), { connection: 'strict-db', name: 'Same Connection' })).status).toBe(200);
  });
});

describe('usernames', () => {
  it('requires, validates and deduplicates usernames where the connection asks for them', async () => {
    expect(
      (await api('dev', 'POST', '/api/v2/connections', { name: 'with-usernames', strategy: 'auth0', options: { requires_username: true, passwordPolicy: 'low', validation: { username: { min: 3, max: 10 } } } })).status,
    ).toBe(201);
    const create = (body: object) => api('dev', 'POST', '/api/v2/users', { connection: 'with-usernames', password: 'secret', ...body });
    expect((await create({ email: 'u1@example.com' })).body.message).toMatch(/username/);
    expect((await create({ email: 'u1@example.com', username: 'ab' })).body.message).toMatch(/too short/);
    expect((await create({ email: 'u1@example.com', username: 'abcdefghijk' })).body.message).toMatch(/too long/);
    expect((await create({ email: 'u1@example.com', username: 'bad name' })).status).toBe(400);
    const user = await create({ email: 'u1@example.com', username: 'Alice_1' });
    expect(user.status).toBe(201);
    expect(user.body.username).toBe('Alice_1');
    expect((await create({ email: 'u2@example.com', username: 'alice_1' })).status).toBe(409);

    await withStorage(async (storage) => {
      const users = new UserService(storage);
      const dev = await tenantId(storage, 'dev');
      const login = await users.findForLogin(dev, 'with-usernames', 'alice_1');
      expect(login?.user.user_id).toBe(user.body.user_id);
      expect(await users.checkPassword(dev, login, 'secret')).toBe(true);
    });
    expect((await api('dev', 'GET', `/api/v2/users?q=${encodeURIComponent('username:alice_1')}`)).body.map((u: { user_id: string }) => u.user_id)).toEqual([user.body.user_id]);

    const other = (await create({ email: 'u3@example.com', username: 'bobby' })).body;
    const taken = await api('dev', 'PATCH', userPath(other.user_id), { username: 'ALICE_1' });
    expect(taken.status).toBe(409);
    expect((await api('dev', 'PATCH', userPath(other.user_id), { username: 'roberto' })).body.username).toBe('roberto');

    // The default connection does not use usernames.
    const refused = await api('dev', 'POST', '/api/v2/users', { connection: DB, email: 'nouser@example.com', password: STRONG, username: 'nope' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('Cannot set username for connection without requires_username');
  });
});

describe('passwordless and custom ids', () => {
  it('creates users in email and sms connections, without passwords', async () => {
    expect((await api('dev', 'POST', '/api/v2/connections', { name: 'email', strategy: 'email' })).status).toBe(201);
    expect((await api('dev', 'POST', '/api/v2/connections', { name: 'sms', strategy: 'sms' })).status).toBe(201);
    const emailUser = await api('dev', 'POST', '/api/v2/users', { connection: 'email', email: 'Magic@Example.com', email_verified: true });
    expect(emailUser.status).toBe(201);
    expect(emailUser.body).toMatchObject({ user_id: expect.stringMatching(/^email\|[0-9a-f]{24}$/), email: 'magic@example.com', email_verified: true, identities: [{ provider: 'email', connection: 'email' }] });
    const smsUser = await api('dev', 'POST', '/api/v2/users', { connection: 'sms', phone_number: '+15551234567' });
    expect(smsUser.body).toMatchObject({ user_id: expect.stringMatching(/^sms\|/), phone_number: '+15551234567', phone_verified: false, identities: [{ provider: 'sms' }] });
    expect((await api('dev', 'POST', '/api/v2/users', { connection: 'sms', phone_number: '+15551234567' })).status).toBe(409);
    expect((await api('dev', 'POST', '/api/v2/users', { connection: 'email', email: 'pw@example.com', password: STRONG })).status).toBe(400);
    expect((await api('dev', 'POST', '/api/v2/users', { connection: 'sms' })).body.message).toMatch(/phone_number/);
    expect((await api('dev', 'PATCH', userPath(smsUser.body.user_id), { password: STRONG })).status).toBe(400);

    // The same email may exist once per connection; users-by-email finds both.
    await createUser('dev', { email: 'magic@example.com' });
    expect((await api('dev', 'GET', '/api/v2/users-by-email?email=magic%40example.com')).body).toHaveLength(2);
  });

  it('accepts a custom user_id, prefixed with the provider, once', async () => {
    const user = await createUser('dev', { email: 'custom-id@example.com', user_id: 'legacy-42' });
    expect(user.user_id).toBe('auth0|legacy-42');
    expect(user.identities[0].user_id).toBe('legacy-42');
    const again = await api('dev', 'POST', '/api/v2/users', { connection: DB, email: 'custom-id-2@example.com', password: STRONG, user_id: 'legacy-42' });
    expect(again.status).toBe(409);
    expect((await api('dev', 'GET', userPath('auth0|legacy-42'))).body.email).toBe('custom-id@example.com');
  });
});

describe('PATCH', () => {
  it('changes email (unverifying it), refuses a taken one, unsets profile fields with null', async () => {
    const user = await createUser('dev', { email: 'change-me@example.com', email_verified: true, nickname: 'nick', picture: 'https://img.example/a.png' });
    await createUser('dev', { email: 'taken@example.com' });
    const changed = await api('dev', 'PATCH', userPath(user.user_id), { email: 'Changed@Example.com', nickname: null, picture: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ email: 'changed@example.com', email_verified: false });
    expect(changed.body).not.toHaveProperty('nickname');
    expect(changed.body).not.toHaveProperty('picture');
    const taken = await api('dev', 'PATCH', userPath(user.user_id), { email: 'taken@example.com' });
    expect(taken.status).toBe(409);
    expect((await api('dev', 'PATCH', userPath(user.user_id), { email: null })).status).toBe(400);
    expect((await api('dev', 'GET', '/api/v2/users-by-email?email=change-me%40example.com')).body).toEqual([]);
  });

  it('lets update:users_app_metadata change metadata only', async () => {
    const user = await createUser('dev', { email: 'scoped@example.com' });
    const token = await tls.tokenFor('dev', { scope: 'update:users_app_metadata' });
    const ok = await tls.api('dev', token, 'PATCH', userPath(user.user_id), { app_metadata: { plan: 'team' }, user_metadata: { x: 1 } });
    expect(ok.status).toBe(200);
    expect(ok.body.app_metadata).toEqual({ plan: 'team' });
    const denied = await tls.api('dev', token, 'PATCH', userPath(user.user_id), { name: 'Not allowed' });
    expect(denied.status).toBe(403);
    expect(denied.body.errorCode).toBe('insufficient_scope');
  });
});

describe('tenant isolation', () => {
  it("acme cannot see or touch dev's users", async () => {
    const user = await createUser('dev', { email: 'isolated@example.com', app_metadata: { secret: 'dev' } });
    const path = userPath(user.user_id);
    expect((await api('acme', 'GET', path)).status).toBe(404);
    expect((await api('acme', 'PATCH', path, { name: 'hijacked' })).status).toBe(404);
    expect((await api('acme', 'DELETE', path)).status).toBe(404);
    expect((await api('acme', 'GET', '/api/v2/users-by-email?email=isolated%40example.com')).body).toEqual([]);
    expect((await api('acme', 'GET', `/api/v2/users?q=${encodeURIComponent('email:isolated@example.com')}`)).body).toEqual([]);
    expect((await api('acme', 'GET', '/api/v2/users?include_totals=true')).body.users.map((u: { email: string }) => u.email)).not.toContain('isolated@example.com');
    expect((await api('acme', 'GET', `/api/v2/users?q=${encodeURIComponent('app_metadata.secret:dev')}`)).body).toEqual([]);

    // The same email in acme's own default connection is a different user.
    const acmeUser = await createUser('acme', { email: 'isolated@example.com' });
    expect(acmeUser.user_id).not.toBe(user.user_id);
    expect((await api('dev', 'GET', path)).body).toMatchObject({ name: 'isolated@example.com', app_metadata: { secret: 'dev' } });

    expect((await thrown(v7('acme').users.get(user.user_id))).statusCode).toBe(404);
    expect((await thrown(v4('acme').users.delete({ id: user.user_id }))).statusCode).toBe(404);
  });
});

describe('validation', () => {
  it('refuses bad bodies with 400 naming the field', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ email: 'x@example.com', password: STRONG }, /connection/],
      [{ connection: 'no-such-connection', email: 'x@example.com', password: STRONG }, /connection does not exist/],
      [{ connection: DB, email: 'not-an-email', password: STRONG }, /email/],
      [{ connection: DB, password: STRONG }, /email/],
      [{ connection: DB, email: 'x@example.com' }, /password/],
      [{ connection: DB, email: 'x@example.com', password: STRONG, favourite_colour: 'blue' }, /favourite_colour/],
      [{ connection: DB, email: 'x@example.com', password: STRONG, email_verified: 'yes' }, /email_verified/],
      [{ connection: DB, email: 'x@example.com', password: STRONG, app_metadata: { email: 'x' } }, /reserved/],
      [{ connection: DB, email: 'x@example.com', password: STRONG, user_metadata: { 'a.b': 1 } }, /a\.b/],
      [{ connection: DB, email: 'x@example.com', password: STRONG, phone_number: '555-1234' }, /phone_number/],
      [{ connection: DB, email: 'x@example.com', password: STRONG, user_id: 'has space' }, /user_id/],
    ];
    for (const [body, message] of cases) {
      const res = await api('dev', 'POST', '/api/v2/users', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toMatch(message);
    }
    expect((await api('dev', 'GET', '/api/v2/users-by-email?email=x%40example.com')).body).toEqual([]);

    const user = await createUser('dev', { email: 'validated@example.com' });
    for (const body of [{}, { blocked: 'no' }, { user_id: 'auth0|new' }, { app_metadata: { identities: [] } }]) {
      const res = await api('dev', 'PATCH', userPath(user.user_id), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api('dev', 'GET', '/api/v2/users-by-email')).status).toBe(400);
  });

  it('answers unknown users with 404 and checks scopes', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await api('dev', method, userPath('auth0|000000000000000000000000'), method === 'PATCH' ? { name: 'x' } : undefined);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_user', message: 'The user does not exist.' });
    }
    const readOnly = await tls.tokenFor('dev', { scope: 'read:users' });
    expect((await tls.api('dev', readOnly, 'GET', '/api/v2/users')).status).toBe(200);
    expect((await tls.api('dev', readOnly, 'POST', '/api/v2/users', { connection: DB, email: 'scope@example.com', password: STRONG })).status).toBe(403);
    expect((await tls.api('dev', readOnly, 'DELETE', userPath('auth0|x'))).status).toBe(403);
  });

  it('keeps emails lowercased and indexed', async () => {
    await withStorage(async (storage) => {
      const indexes =
        storage.dialect === 'sqlite'
          ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'users'`.execute(storage.db)).rows
          : (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'users' and schemaname = current_schema()`.execute(storage.db)).rows;
      expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(['users_tenant_email_created', 'users_connection_email']));
      const mixed = await storage.db.selectFrom('users').select('email').where('email', 'like', '%A%').execute();
      expect(mixed.filter((r) => r.email && r.email !== r.email.toLowerCase())).toEqual([]);
    });
  });
});

describe('identities (user_identities)', () => {
  const identityRows = (storage: Storage, tenant: string, userIds: string[]) =>
    storage.db.selectFrom('user_identities').select(['user_id', 'connection', 'provider', 'provider_user_id']).where('tenant_id', '=', tenant).where('user_id', 'in', userIds).orderBy('user_id').execute();

  it('lists each user with its identity, per tenant, and deletes identities with the user and with the connection', async () => {
    const connection = (await api('dev', 'POST', '/api/v2/connections', { name: 'identities-db', strategy: 'auth0' })).body;
    const a = await createUser('dev', { connection: 'identities-db', email: 'ida@identities.test' });
    const b = await createUser('dev', { connection: 'identities-db', email: 'idb@identities.test' });
    const c = await createUser('dev', { email: 'idc@identities.test', user_id: 'identities-same' });
    // The same user id in another tenant is another user with its own identity.
    const other = await createUser('acme', { email: 'idc@identities.test', user_id: 'identities-same' });
    expect(other.user_id).toBe(c.user_id);
    const identity = (user: any, connectionName: string) => [{ connection: connectionName, user_id: user.user_id.slice('auth0|'.length), provider: 'auth0', isSocial: false }];

    const q = `/api/v2/users?q=${encodeURIComponent('email:*identities.test')}&sort=email:1`;
    const listed = (await api('dev', 'GET', q)).body as any[];
    expect(listed.map((u) => [u.email, u.identities])).toEqual([
      ['ida@identities.test', identity(a, 'identities-db')],
      ['idb@identities.test', identity(b, 'identities-db')],
      ['idc@identities.test', identity(c, DB)],
    ]);
    const totals = (await api('dev', 'GET', `${q}&include_totals=true&per_page=2&page=1`)).body;
    expect(totals.users.map((u: any) => u.identities)).toEqual([identity(c, DB)]);
    expect((await api('acme', 'GET', q)).body.map((u: any) => u.identities)).toEqual([identity(other, DB)]);
    expect((await api('dev', 'GET', `/api/v2/users-by-email?email=${encodeURIComponent('IDC@identities.test')}`)).body.map((u: any) => u.identities)).toEqual([identity(c, DB)]);

    await withStorage(async (storage) => {
      const [dev, acme] = [await tenantId(storage, 'dev'), await tenantId(storage, 'acme')];
      expect(await identityRows(storage, dev, [a.user_id, b.user_id, c.user_id])).toHaveLength(3);
      expect(await identityRows(storage, acme, [a.user_id, b.user_id, c.user_id])).toEqual([{ user_id: c.user_id, connection: DB, provider: 'auth0', provider_user_id: 'identities-same' }]);
    });

    expect((await api('dev', 'DELETE', userPath(c.user_id))).status).toBe(204);
    expect((await api('dev', 'DELETE', `/api/v2/connections/${connection.id}`)).status).toBe(204);
    await withStorage(async (storage) => {
      const [dev, acme] = [await tenantId(storage, 'dev'), await tenantId(storage, 'acme')];
      expect(await identityRows(storage, dev, [a.user_id, b.user_id, c.user_id])).toEqual([]);
      // acme's user of the same id keeps its identity.
      expect(await identityRows(storage, acme, [c.user_id])).toHaveLength(1);
    });
    expect((await api('acme', 'GET', userPath(other.user_id))).body.identities).toEqual(identity(other, DB));
  });
});
