#!/usr/bin/env node
// Index review (issue 19 §2): EXPLAINs every query of the Management API's and the Authentication
// API's hot paths on a seeded database (bench/seed.mjs) and fails (exit 1) when one reads a large
// table in full. See bench/README.md ("Index review") and docs/ARCHITECTURE.md ("Indexes").
//
// The SQL is the repositories' own: they run over a Kysely that compiles and records instead of
// executing (lib/recording-kysely.mjs), with sample values taken from the seeded tenant; each
// recorded SELECT, UPDATE or DELETE is then explained on the real database:
// - SQLite: EXPLAIN QUERY PLAN. `SCAN <table>` of a large table is a full scan (with an index named,
//   a full index scan: every entry is still read).
// - PostgreSQL: EXPLAIN (FORMAT JSON) with `enable_seqscan = off`, so that a Seq Scan means no index
//   can serve the query at all, whatever the table's size; an index scan without an index condition
//   is a full index scan.
// A search whose only index condition is the tenant, with a sort or without a LIMIT, reads every row
// of the tenant: reported as "tenant-wide" (a finding, not a failure, when the case says why it is
// inherent; a failure otherwise).
//
//   npm run bench:explain -- [--tenant bench] [--database FILE | --postgres URL] [--data-dir DIR] [--json FILE]
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CompiledQuery, sql } from 'kysely';
import { recordingKysely } from './lib/recording-kysely.mjs';
import { hotQueries } from './lib/hot-queries.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');

/** Tables that grow with users, logins or applications: a full read of one fails the review. */
export const LARGE_TABLES = new Set([
  'users', 'user_identities', 'logs', 'clients', 'client_grants', 'resource_servers', 'user_roles', 'user_permissions', 'role_permissions',
  'ttl_entries', 'refresh_tokens', 'sessions', 'user_grants', 'login_failures', 'passwordless_codes', 'client_credentials',
]);

const EXPLAINED_KINDS = new Set(['SelectQueryNode', 'UpdateQueryNode', 'DeleteQueryNode']);
const isExplained = (q) => EXPLAINED_KINDS.has(q.kind) || (q.kind === 'RawNode' && /^\s*(select|update|delete|with)\b/i.test(q.sql));

// --- plans ------------------------------------------------------------------------------------------

/**
 * An index search on the tenant alone is fine for a page in index order (it stops at the LIMIT).
 * It reads every row of the tenant when the rows are then sorted or counted (no LIMIT), and up to all
 * of them when other conditions filter them on the way (the walk stops only after a page of matches).
 */
function tenantWalk(text, table, sorts) {
  if (sorts) return `every ${table} row of the tenant, then sorts`;
  if (!/\blimit\b/i.test(text)) return `every ${table} row of the tenant`;
  const where = /\bwhere\b([\s\S]*?)(\border by\b|\blimit\b|$)/i.exec(text)?.[1] ?? '';
  const others = where.replace(/("\w+"\.)?"tenant_id" = (\?|\$\d+)|\b1 = 1\b/g, '').replace(/\band\b|[()\s]/gi, '');
  return others ? `${table} rows of the tenant until a page matches the other conditions (all of them for a rare value)` : undefined;
}

/** SQLite: the plan's lines, and what they say about large tables. */
function judgeSqlite(lines, text) {
  const findings = [];
  const indexes = [];
  const sorts = lines.some((l) => /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(l));
  for (const line of lines) {
    const scan = /^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?/.exec(line);
    if (scan && LARGE_TABLES.has(scan[1])) {
      findings.push({ level: 'full', text: scan[2] ? `full index scan of ${scan[1]} (${scan[2]})` : `full scan of ${scan[1]}` });
      if (scan[2]) indexes.push(scan[2]);
      continue;
    }
    const search = /^SEARCH (\w+) USING (?:COVERING |PRIMARY KEY |INTEGER PRIMARY KEY )?(?:INDEX (\w+) )?\((.*)\)/.exec(line);
    if (search) {
      const [, table, index, condition] = search;
      indexes.push(index ?? 'rowid');
      if (LARGE_TABLES.has(table) && /^tenant_id=\?$/.test(condition)) {
        const why = tenantWalk(text, table, sorts);
        if (why) findings.push({ level: 'tenant', text: `reads ${why} (${index ?? 'rowid'}, tenant_id only)` });
      }
    }
  }
  return { findings, indexes: [...new Set(indexes)] };
}

/** Below this many rows (PostgreSQL's estimate after ANALYZE) a table's plan says nothing about a large one. */
const SMALL_TABLE_ROWS = 1_000;

/** PostgreSQL: walks the JSON plan. Findings on tables the seed left nearly empty are notes, not failures. */
function judgePostgres(plan, text, sizes) {
  const findings = [];
  const indexes = [];
  const nodes = [];
  const walk = (node) => {
    nodes.push(node);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  const sorts = nodes.some((n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort');
  for (const node of nodes) {
    const type = node['Node Type'];
    const table = node['Relation Name'];
    if (type === 'Seq Scan' && LARGE_TABLES.has(table)) findings.push({ level: 'full', table, text: `Seq Scan on ${table}` });
    if (/Index( Only)? Scan|Bitmap Index Scan/.test(type)) {
      indexes.push(node['Index Name']);
      const condition = node['Index Cond'];
      const relation = table ?? nodes.find((n) => n['Node Type'] === 'Bitmap Heap Scan' && n.Plans?.includes(node))?.['Relation Name'];
      if (!condition && LARGE_TABLES.has(relation)) findings.push({ level: 'full', table: relation, text: `full index scan of ${relation} (${node['Index Name']})` });
      else if (condition && LARGE_TABLES.has(relation) && /^\(\(?tenant_id\)? = ('[^']*'|\$\d+)\)$/.test(condition.replace(/::text/g, ''))) {
        const why = tenantWalk(text, relation, sorts);
        if (why) findings.push({ level: 'tenant', table: relation, text: `reads ${why} (${node['Index Name']}, tenant_id only)` });
      }
    }
  }
  for (const finding of findings) {
    const rows = sizes.get(finding.table) ?? 0;
    if (rows < SMALL_TABLE_ROWS) Object.assign(finding, { level: 'small', text: `${finding.text} [${finding.table} holds ~${Math.max(0, rows)} rows here: the plan says nothing about a large table; seed it bigger]` });
  }
  return { findings, indexes: [...new Set(indexes)] };
}

// --- sample values ------------------------------------------------------------------------------------

async function sampleValues(db, tenantName) {
  const one = async (query) => (await query.executeTakeFirst()) ?? {};
  const tenant = await one(db.selectFrom('tenants').select('id').where('name', '=', tenantName));
  if (!tenant.id) throw new Error(`no tenant ${tenantName}: seed one first (npm run bench:seed)`);
  const tenantId = tenant.id;
  const { n: users } = await one(db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', tenantId));
  const middle = Math.floor(Number(users) / 2);
  const user = await one(db.selectFrom('users').select(['user_id', 'email', 'connection_id']).where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('user_id').offset(middle).limit(1));
  const pageUsers = await db.selectFrom('users').select('user_id').where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('user_id').limit(50).execute();
  const client = await one(db.selectFrom('clients').select('client_id').where('tenant_id', '=', tenantId).where('name', 'like', 'Bench App %').orderBy('client_id').limit(1));
  const api = await one(db.selectFrom('resource_servers').select(['id', 'identifier']).where('tenant_id', '=', tenantId).where('is_system', '=', 0).orderBy('id').limit(1));
  const role = await one(db.selectFrom('roles').select('id').where('tenant_id', '=', tenantId).orderBy('id').limit(1));
  const log = await one(db.selectFrom('logs').select(['log_id', 'date']).where('tenant_id', '=', tenantId).orderBy('seq', 'desc').limit(1));
  const connection = await one(db.selectFrom('connections').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'Username-Password-Authentication'));
  return {
    tenantId,
    userId: user.user_id ?? 'auth0|000000000000000000000000',
    email: user.email ?? 'user0@bench.example',
    connectionId: connection.id ?? user.connection_id ?? 'con_none',
    otherConnectionId: 'con_0000000000000000',
    pageUserIds: pageUsers.map((u) => u.user_id),
    clientId: client.client_id ?? 'none',
    apiId: api.id ?? 'none',
    audience: api.identifier ?? 'https://api-0.bench.example/',
    roleId: role.id ?? 'rol_none',
    logId: log.log_id ?? '0',
    logDate: log.date ?? new Date().toISOString(),
  };
}

// --- the review -------------------------------------------------------------------------------------

export async function review({ env, tenant }) {
  const { loadConfig } = await import(join(DIST, 'config/config.js'));
  const { openDatabase } = await import(join(DIST, 'storage/database.js'));
  const { Storage } = await import(join(DIST, 'storage/storage.js'));
  const config = loadConfig(env);
  const database = await openDatabase(config.database);
  const { dialect } = database;
  try {
    const samples = await sampleValues(database.db, tenant);
    const recorder = { queries: [], respond: undefined };
    const repos = new Storage(recordingKysely(dialect, recorder), dialect).repos;
    const results = [];
    const sizes = new Map();
    if (dialect === 'postgres') {
      const { rows } = await sql`select relname, reltuples from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r'`.execute(database.db);
      for (const row of rows) sizes.set(row.relname, Number(row.reltuples));
    }
    await database.db.connection().execute(async (connection) => {
      if (dialect === 'postgres') await sql`set enable_seqscan = off`.execute(connection);
      for (const entry of hotQueries()) {
        recorder.queries = [];
        recorder.respond = entry.respond;
        try {
          await entry.run(repos, samples);
        } catch {
          // No rows come back from the recorder: a call that insists on one has still recorded its query.
        }
        for (const query of recorder.queries.filter(isExplained)) {
          let explained;
          try {
            explained = await connection.executeQuery(CompiledQuery.raw(`${dialect === 'postgres' ? 'explain (format json)' : 'explain query plan'} ${query.sql}`, query.parameters));
          } catch (error) {
            throw new Error(`${entry.name}: cannot explain ${query.sql}: ${error.message}`);
          }
          let plan;
          let judged;
          if (dialect === 'postgres') {
            const json = explained.rows[0]['QUERY PLAN'];
            plan = (typeof json === 'string' ? JSON.parse(json) : json)[0].Plan;
            judged = judgePostgres(plan, query.sql, sizes);
          } else {
            plan = explained.rows.map((row) => row.detail);
            judged = judgeSqlite(plan, query.sql);
          }
          results.push({ name: entry.name, path: entry.path, inherent: entry.inherent, deferred: entry.deferred, sql: query.sql, ...judged, plan });
        }
      }
      if (dialect === 'postgres') await sql`reset enable_seqscan`.execute(connection);
    });
    return { dialect, results };
  } finally {
    await database.db.destroy();
  }
}

/** A result fails when it reads a large table in full, or a tenant's rows, unless its case says why (inherent, or a trade-off left open). */
export const failing = (result) => result.findings.some((f) => f.level !== 'small') && !result.inherent && !result.deferred;

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { tenant: { type: 'string', default: 'bench' }, database: { type: 'string' }, postgres: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'string' }, verbose: { type: 'boolean', default: false } },
  });
  const env = { ...process.env };
  if (values.database) env.DATABASE_URL = `sqlite:${resolve(values.database)}`;
  if (values.postgres) env.DATABASE_URL = values.postgres;
  if (values['data-dir']) env.TESSERA_DATA_DIR = resolve(values['data-dir']);
  const { dialect, results } = await review({ env, tenant: values.tenant });
  let failures = 0;
  console.log(`Index review on ${dialect}: ${results.length} statements from ${new Set(results.map((r) => r.name)).size} repository calls`);
  for (const result of results) {
    const fails = failing(result);
    if (fails) failures++;
    const mark = fails ? 'FAIL' : result.findings.length ? 'note' : 'ok  ';
    console.log(`${mark} ${result.name.padEnd(40)} ${result.indexes.join(', ') || '(no index)'}`);
    const reason = result.inherent ? ` — inherent: ${result.inherent}` : result.deferred ? ` — left open: ${result.deferred}` : '';
    for (const finding of result.findings) console.log(`       ${finding.text}${reason}`);
    if (fails || values.verbose) {
      console.log(`       ${result.sql}`);
      if (dialect === 'sqlite') for (const line of result.plan) console.log(`         ${line}`);
    }
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ dialect, results }, null, 2));
  console.log(failures ? `${failures} statement(s) read a large table in full` : 'No statement reads a large table in full.');
  process.exit(failures ? 1 : 0);
}
