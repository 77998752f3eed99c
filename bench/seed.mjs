#!/usr/bin/env node
// Seeds a tenant at scale for the benchmarks and the index review (issue 19 §2): users with
// imported bcrypt hashes (one hash, computed once, shared by every user: each still logs in with
// the known password), their identities, applications with client grants, APIs, roles and role
// assignments, and log entries, on SQLite or PostgreSQL. See bench/README.md ("Seeding").
//
// The tenant is created by the real CLI (`tessera tenants create`: keys, system API, bootstrap
// application, the Username-Password-Authentication connection); the rows are then written through
// the project's storage layer from dist/: its repositories for applications and APIs (secrets are
// sealed at rest by them), batched multi-row inserts inside transactions for the large tables.
//
//   npm run bench:seed -- [--users 1000000] [--clients 10000] [--apis 1000]
//     [--roles-assignments 100000] [--logs 5000000] [--roles 50] [--sessions 100000]
//     [--refresh-tokens 100000] [--ttl-entries 100000] [--login-failures 100000] [--tenant bench]
//     [--database ./data/tessera.db | --postgres postgres://…] [--data-dir ./data] [--password …]
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hash } from '@node-rs/bcrypt';
import { sql } from 'kysely';
import { insertRows } from './lib/batch-insert.mjs';
import { Progress } from './lib/progress.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const CONNECTION = 'Username-Password-Authentication';
export const DEFAULT_PASSWORD = 'Bench-Seed-Password-1!';
/** Seeded users' emails: `user{i}@bench.example`, so a benchmark can pick any of them. */
export const seededEmail = (i) => `user${i}@bench.example`;
/** Every tenth seeded user has `app_metadata.plan = "gold"`, the others "free" (the non-indexed search). */
export const GOLD_EVERY = 10;

const USAGE = `usage: node bench/seed.mjs [--users N] [--clients N] [--apis N] [--roles-assignments N] [--logs N]
  [--roles N] [--sessions N] [--refresh-tokens N] [--ttl-entries N] [--login-failures N] [--tenant NAME] [--database FILE | --postgres URL] [--data-dir DIR] [--password P]`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string', default: '1000000' },
      clients: { type: 'string', default: '10000' },
      apis: { type: 'string', default: '1000' },
      'roles-assignments': { type: 'string', default: '100000' },
      roles: { type: 'string', default: '50' },
      logs: { type: 'string', default: '5000000' },
      sessions: { type: 'string', default: '100000' },
      'refresh-tokens': { type: 'string', default: '100000' },
      'ttl-entries': { type: 'string', default: '100000' },
      'login-failures': { type: 'string', default: '100000' },
      tenant: { type: 'string', default: 'bench' },
      database: { type: 'string' },
      postgres: { type: 'string' },
      'data-dir': { type: 'string' },
      password: { type: 'string', default: DEFAULT_PASSWORD },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const count = (name) => {
    const n = Number(values[name].replace(/[_,]/g, ''));
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${values[name]}"`);
    return n;
  };
  if (values.database && values.postgres) throw new Error('give --database (SQLite) or --postgres, not both');
  const options = {
    users: count('users'),
    clients: count('clients'),
    apis: count('apis'),
    assignments: count('roles-assignments'),
    roles: count('roles'),
    logs: count('logs'),
    sessions: count('sessions'),
    refreshTokens: count('refresh-tokens'),
    ttlEntries: count('ttl-entries'),
    loginFailures: count('login-failures'),
    tenant: values.tenant,
    password: values.password,
    env: { ...process.env },
  };
  if (values.database) options.env.DATABASE_URL = `sqlite:${resolve(values.database)}`;
  if (values.postgres) options.env.DATABASE_URL = values.postgres;
  if (values['data-dir']) options.env.TESSERA_DATA_DIR = resolve(values['data-dir']);
  if (options.assignments > 0 && (options.roles === 0 || options.users === 0)) throw new Error('--roles-assignments needs at least one role and one user');
  if (options.assignments > options.users * options.roles) throw new Error(`--roles-assignments is at most users × roles (${options.users * options.roles})`);
  return options;
}

/** The tenant, as `tessera tenants create` makes it (a name already taken fails there, with its own message). */
function createTenant(name, env) {
  const result = spawnSync(process.execPath, [join(DIST, 'cli/index.js'), 'tenants', 'create', name], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tessera tenants create ${name} failed:\n${result.stderr || result.stdout}`);
}

const pad = (n, width) => n.toString(16).padStart(width, '0');
/** Deterministic ids, so a benchmark can name the n-th user, application or API. */
const userHex = (i) => pad(i, 24);
const isoAt = (ms) => new Date(ms).toISOString();

export async function seed(options) {
  const { loadConfig } = await import(join(DIST, 'config/config.js'));
  const { openDatabase, migrateToLatest } = await import(join(DIST, 'storage/database.js'));
  const { Storage } = await import(join(DIST, 'storage/storage.js'));
  const { SecretBox } = await import(join(DIST, 'crypto/secret-box.js'));
  const { resolveEncryptionKey } = await import(join(DIST, 'cli/encryption-key.js'));
  const { buildClient } = await import(join(DIST, 'domain/clients/client-service.js'));
  const { toRecordParts } = await import(join(DIST, 'domain/clients/client.js'));
  const { buildResourceServer } = await import(join(DIST, 'domain/resource-servers/resource-server-service.js'));
  const { defaultPicture } = await import(join(DIST, 'domain/users/user.js'));

  const progress = new Progress();
  const tenantStep = progress.step('tenant', 1);
  createTenant(options.tenant, options.env);
  tenantStep.finish();

  const config = loadConfig(options.env);
  const database = await openDatabase(config.database);
  await migrateToLatest(database);
  const { key } = await resolveEncryptionKey(config);
  const storage = new Storage(database.db, database.dialect, new SecretBox(key));
  try {
    const tenant = await storage.repos.tenants.findByName(options.tenant);
    const connection = await storage.repos.connections.findByName(tenant.id, CONNECTION);
    if (!connection) throw new Error(`tenant ${options.tenant} has no ${CONNECTION} connection`);
    const tenantId = tenant.id;
    // One bcrypt hash at the server's cost (10), computed once: seeding must not pay bcrypt per user.
    const passwordHash = await hash(options.password, { cost: 10 });
    const base = Date.parse('2024-01-01T00:00:00.000Z');

    // --- APIs (through the repository: an API's signing secret is sealed at rest there) ---------
    const apiStep = progress.step('apis', options.apis);
    const apis = [];
    for (let start = 0; start < options.apis; start += 1_000) {
      await storage.transaction(async (repos) => {
        for (let i = start; i < Math.min(options.apis, start + 1_000); i++) {
          const api = buildResourceServer({ identifier: `https://api-${i}.bench.example/`, name: `Bench API ${i}`, scopes: [{ value: 'read:data', description: 'Read' }, { value: 'write:data', description: 'Write' }] });
          const { id, identifier, is_system, ...document } = api;
          const at = isoAt(base + i * 1000);
          await repos.resourceServers.insert({ tenantId, id, identifier, isSystem: is_system, document, createdAt: at, updatedAt: at });
          apis.push(identifier);
        }
      });
      apiStep.update(Math.min(options.apis, start + 1_000));
    }
    apiStep.finish();

    // --- applications, each with a client grant to one API (client_credentials at scale) -------
    const clientStep = progress.step('clients', options.clients);
    const clientIds = [];
    for (let start = 0; start < options.clients; start += 1_000) {
      await storage.transaction(async (repos) => {
        for (let i = start; i < Math.min(options.clients, start + 1_000); i++) {
          const client = buildClient(tenant.name, { name: `Bench App ${i}`, app_type: 'non_interactive' });
          const at = isoAt(base + i * 1000);
          await repos.clients.insert({ tenantId, ...toRecordParts(client), isSystem: false, createdAt: at, updatedAt: at });
          if (apis.length) {
            await repos.clientGrants.insert({ tenantId, id: `cgr_${pad(i, 16)}`, clientId: client.client_id, audience: apis[i % apis.length], subjectType: 'client', document: { scope: ['read:data'] }, createdAt: at });
          }
          clientIds.push(client.client_id);
        }
      });
      clientStep.update(Math.min(options.clients, start + 1_000));
    }
    clientStep.finish();

    // --- users and their identities ---------------------------------------------------------
    const userColumns = ['tenant_id', 'user_id', 'connection_id', 'connection', 'email', 'username', 'username_lower', 'phone_number', 'name', 'nickname', 'given_name', 'family_name', 'email_verified', 'blocked', 'password_hash', 'password_history', 'app_metadata', 'user_metadata', 'document', 'logins_count', 'last_login', 'created_at', 'updated_at'];
    const gold = JSON.stringify({ plan: 'gold' });
    const free = JSON.stringify({ plan: 'free' });
    const userStep = progress.step('users', options.users);
    await insertRows(database, 'users', userColumns, options.users, (i) => {
      const email = seededEmail(i);
      const at = isoAt(base + i * 1000);
      return [tenantId, `auth0|${userHex(i)}`, connection.id, connection.name, email, null, null, null, email, `user${i}`, null, null, 1, null, passwordHash, null, i % GOLD_EVERY === 0 ? gold : free, '{}', JSON.stringify({ picture: defaultPicture(email) }), 0, null, at, at];
    }, userStep.update);
    userStep.finish();

    const identityStep = progress.step('identities', options.users);
    await insertRows(database, 'user_identities', ['tenant_id', 'user_id', 'connection_id', 'connection', 'provider', 'provider_user_id', 'is_social', 'profile_data', 'created_at'], options.users, (i) => {
      const hex = userHex(i);
      return [tenantId, `auth0|${hex}`, connection.id, connection.name, 'auth0', hex, 0, null, isoAt(base + i * 1000)];
    }, identityStep.update);
    identityStep.finish();

    // --- roles (each grants one API's read:data) and role assignments -------------------------
    const roleIds = [];
    const roleStep = progress.step('roles', options.roles);
    await storage.transaction(async (repos) => {
      const at = isoAt(base);
      for (let r = 0; r < options.roles; r++) {
        const id = `rol_B${r.toString(36).padStart(15, '0')}`;
        await repos.roles.insert({ tenantId, id, name: `Bench Role ${r}`, document: { description: `Seeded role ${r}` }, createdAt: at, updatedAt: at });
        if (apis.length) await repos.roles.addRolePermissions(tenantId, id, [{ api: apis[r % apis.length], name: 'read:data' }], at);
        roleIds.push(id);
      }
    });
    roleStep.finish();

    // Assignment j: user j mod N, and for the k-th round over the users (k = j div N) the role
    // (k + user) mod R, so no pair repeats while assignments ≤ users × roles.
    const assignmentStep = progress.step('role assignments', options.assignments);
    const assignedAt = isoAt(base);
    await insertRows(database, 'user_roles', ['tenant_id', 'user_id', 'role_id', 'created_at'], options.assignments, (j) => {
      const user = j % options.users;
      const round = Math.floor(j / options.users);
      return [tenantId, `auth0|${userHex(user)}`, roleIds[(round + user) % roleIds.length], assignedAt];
    }, assignmentStep.update);
    assignmentStep.finish();

    // --- logs, oldest first (storage order is date order, as when written live) ---------------
    const logColumns = ['tenant_id', 'log_id', 'date', 'type', 'client_id', 'client_name', 'user_id', 'user_name', 'ip', 'user_agent', 'description', 'document'];
    const process12 = randomBytes(6).toString('hex');
    const span = 30 * 24 * 3600 * 1000;
    const logStart = Date.now() - span;
    const logStep = progress.step('logs', options.logs);
    await insertRows(database, 'logs', logColumns, options.logs, (i) => {
      const ms = Math.floor(logStart + (i * span) / Math.max(1, options.logs));
      const date = isoAt(ms);
      const logId = `${pad(ms, 12)}${process12}${pad(i % 0x1000000, 6)}`;
      const kind = i % 20;
      const user = options.users ? i % options.users : 0;
      const clientIndex = clientIds.length ? i % clientIds.length : -1;
      const clientId = clientIndex >= 0 ? clientIds[clientIndex] : null;
      const clientName = clientIndex >= 0 ? `Bench App ${clientIndex}` : null;
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const userAgent = 'Bench/1.0';
      let type;
      let description = null;
      let userId = null;
      let userName = null;
      if (kind < 2) {
        type = 'f';
        description = 'Wrong email or password.';
        userId = options.users ? `auth0|${userHex(user)}` : null;
        userName = options.users ? seededEmail(user) : null;
      } else if (kind < 10 && options.users) {
        type = 's';
        userId = `auth0|${userHex(user)}`;
        userName = seededEmail(user);
      } else {
        type = 'seccft';
        description = 'Client Credentials for Access Token';
      }
      const document = { date, type, log_id: logId };
      if (description !== null) document.description = description;
      if (clientId !== null) Object.assign(document, { client_id: clientId, client_name: clientName });
      if (userId !== null) Object.assign(document, { user_id: userId, user_name: userName });
      Object.assign(document, { ip, user_agent: userAgent });
      return [tenantId, logId, date, type, clientId, clientName, userId, userName, ip, userAgent, description, JSON.stringify(document)];
    }, logStep.update);
    logStep.finish();

    // --- what logins leave behind: sessions, refresh tokens, one-time entries, failure counters ---
    // Not read back by a benchmark yet; they give these tables the size a busy tenant's have, so
    // the index review (bench/explain.mjs) sees the plans PostgreSQL chooses for large tables.
    const key = (prefix, i, width = 42) => `${prefix}${pad(i, width)}`;
    const later = isoAt(Date.now() + 7 * 24 * 3600 * 1000);
    const sooner = isoAt(Date.now() + 3 * 24 * 3600 * 1000);
    const started = isoAt(Date.now());
    const userOf = (i) => `auth0|${userHex(options.users ? i % options.users : 0)}`;
    const sessionStep = progress.step('sessions', options.sessions);
    await insertRows(database, 'sessions', ['tenant_id', 'id_hash', 'sid', 'user_id', 'authenticated_at', 'last_interaction_at', 'expires_at', 'idle_expires_at', 'document', 'revoked_at'], options.sessions, (i) =>
      [tenantId, key('s', i), key('', i, 32), userOf(i), started, started, later, sooner, '{"amr":["pwd"]}', null], sessionStep.update);
    sessionStep.finish();
    const refreshStep = progress.step('refresh tokens', options.refreshTokens);
    const grant = JSON.stringify({ scope: ['openid', 'offline_access'], authTime: Math.floor(Date.now() / 1000) });
    await insertRows(database, 'refresh_tokens', ['tenant_id', 'id', 'token_hash', 'family_id', 'client_id', 'user_id', 'code_hash', 'document', 'created_at', 'expires_at', 'idle_expires_at', 'last_used_at', 'rotated_at', 'revoked_at'], options.refreshTokens, (i) =>
      [tenantId, key('rt_', i, 21), key('t', i), key('fam_', i, 20), clientIds.length ? clientIds[i % clientIds.length] : 'none', userOf(i), i % 2 ? key('c', i) : null, grant, started, later, sooner, null, null, null], refreshStep.update);
    refreshStep.finish();
    const ttlStep = progress.step('ttl entries', options.ttlEntries);
    await insertRows(database, 'ttl_entries', ['tenant_id', 'kind', 'key_hash', 'document', 'created_at', 'expires_at', 'consumed_at'], options.ttlEntries, (i) =>
      [tenantId, i % 2 ? 'code' : 'interaction', key('k', i), '{}', started, sooner, null], ttlStep.update);
    ttlStep.finish();
    const failureStep = progress.step('login failures', options.loginFailures);
    await insertRows(database, 'login_failures', ['tenant_id', 'connection', 'identifier', 'ip', 'failures', 'last_ip', 'first_failed_at', 'last_failed_at', 'pending', 'pending_at'], options.loginFailures, (i) =>
      [tenantId, connection.name, seededEmail(options.users ? i % options.users : i), `10.1.${(i >> 8) & 255}.${i & 255}`, 1 + (i % 5), `10.1.${(i >> 8) & 255}.${i & 255}`, started, started, 0, null], failureStep.update);
    failureStep.finish();

    // PostgreSQL's planner reads table statistics; autovacuum would gather them eventually.
    if (database.dialect === 'postgres') await sql`analyze`.execute(database.db);
    return { progress, tenant: { id: tenantId, name: tenant.name }, clientIds, apis };
  } finally {
    await storage.close();
  }
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  try {
    const { progress, tenant } = await seed(options);
    const { text } = progress.summary();
    console.log(text);
    console.log(`tenant ${tenant.name} (${tenant.id}) on ${options.env.DATABASE_URL ?? 'sqlite:./data/tessera.db'}`);
    console.log(`users log in as ${seededEmail(0)} … ${seededEmail(Math.max(0, options.users - 1))} with password ${JSON.stringify(options.password)}; every ${GOLD_EVERY}th has app_metadata.plan "gold"`);
  } catch (error) {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  }
}
