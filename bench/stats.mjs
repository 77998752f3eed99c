#!/usr/bin/env node
// Statistics benchmark (issue 13, docs/plans/dashboard.md "4. Stats"), on SQLite, from the built
// code in dist/ (run `npm run build` first; `npm run bench:stats` does). See bench/README.md ("Stats").
//
// 1. A tenant with BENCH_STATS_ROWS log rows (default 1,000,000) over BENCH_STATS_DAYS closed days
//    (default 30), a realistic mix of types (a third of them counted) and BENCH_STATS_USERS users.
// 2. Aggregation, in a child process of its own (so its peak RSS is its own): the background job's
//    first run over those days, then a forced rebuild of the same days. Time and peak RSS.
// 3. The cost of the new index on writes: BENCH_STATS_BATCHES log batches of 500 rows written through
//    the logs repository (the path LogService takes every 200 ms) with the index, without it (dropped),
//    and with it again (re-created: the time that takes is what migration 016 costs on such a table).
// 4. The query plans of the aggregator's reads, which must name the covering index.
//
// Env: BENCH_STATS_ROWS, BENCH_STATS_DAYS, BENCH_STATS_USERS, BENCH_STATS_BATCHES (default 200),
// BENCH_WRITE_README=0 to leave bench/README.md alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const ROWS = Number(process.env.BENCH_STATS_ROWS ?? 1_000_000);
const DAYS = Number(process.env.BENCH_STATS_DAYS ?? 30);
const USERS = Number(process.env.BENCH_STATS_USERS ?? 50_000);
const BATCHES = Number(process.env.BENCH_STATS_BATCHES ?? 200);
const BATCH = 500;
const DAY_MS = 86_400_000;
/** "Now" for the aggregator: the logs fill the DAYS closed days before it. */
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const FIRST_DAY_MS = Date.parse('2026-06-01T00:00:00.000Z') - DAYS * DAY_MS;
const MARK_START = '<!-- bench:stats:start -->';
const MARK_END = '<!-- bench:stats:end -->';

/** Log types and their weights: token exchanges and Management API calls dominate, as in production. */
const MIX = [
  ['seccft', 30, false],
  ['s', 14, true],
  ['seacft', 12, true],
  ['sertft', 10, true],
  ['sapi', 10, false],
  ['ssa', 6, true],
  ['f', 4, true],
  ['fp', 2, true],
  ['ss', 3, true],
  ['feacft', 3, true],
  ['scoa', 1, true],
  ['sepft', 1, true],
  ['pwd_leak', 0.5, true],
  ['limit_wc', 0.5, false],
  ['limit_mu', 0.5, false],
  ['fapi', 1.5, false],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [, weight]) => sum + weight, 0);

/** A small deterministic PRNG (mulberry32), so every run writes the same rows. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickType(random) {
  let r = random() * TOTAL_WEIGHT;
  for (const [type, weight, withUser] of MIX) {
    if ((r -= weight) < 0) return [type, withUser];
  }
  return ['seccft', false];
}

const importDist = (path) => import(pathToFileURL(join(DIST, path)).href);

function configFor(dir, loadConfig) {
  return loadConfig({ DATABASE_URL: `sqlite:${join(dir, 't.db')}`, TESSERA_DATA_DIR: dir, TESSERA_BASE_DOMAIN: 'localhost', LOG_LEVEL: 'warn', NODE_ENV: 'production' });
}

const fixedClock = { now: () => NOW };

/** The child process: one aggregation run and one rebuild; prints JSON. */
async function aggregateChild(dir) {
  const { loadConfig } = await importDist('config/config.js');
  const { openRuntime, closeRuntime } = await importDist('cli/runtime.js');
  const services = await openRuntime(configFor(dir, loadConfig), (error) => console.error(error), { clock: fixedClock });
  const tenant = await services.tenants.findByName('bench');
  const rssOpen = process.memoryUsage().rss;
  const maxRssOpenKb = process.resourceUsage().maxRSS;
  const errors = [];
  let started = performance.now();
  const run = await services.stats.aggregate((error) => errors.push(String(error)));
  const jobMs = performance.now() - started;
  const maxRssJobKb = process.resourceUsage().maxRSS;
  started = performance.now();
  const rebuilt = await services.stats.rebuild(tenant.id);
  const rebuildMs = performance.now() - started;
  const days = await services.stats.daily(tenant.id, {});
  const active = await services.stats.activeUsers(tenant.id);
  await closeRuntime(services);
  console.log(
    JSON.stringify({
      job: { ms: jobMs, days: run.days, tenants: run.tenants, errors },
      rebuild: { ms: rebuildMs, days: rebuilt },
      rss: { afterOpenMb: rssOpen / 2 ** 20, peakAfterOpenMb: maxRssOpenKb / 1024, peakAfterJobMb: maxRssJobKb / 1024, peakMb: process.resourceUsage().maxRSS / 1024 },
      sample: { days: days.length, firstDay: days[0], activeUsers30d: active, logins: days.reduce((sum, day) => sum + day.logins, 0) },
    }),
  );
}

/** Rows for the logs table, in date order, spread over the days. */
function* logRows(tenantId, count, random, startMs, spanMs) {
  for (let i = 0; i < count; i++) {
    const at = startMs + Math.floor((i / count) * spanMs);
    const [type, withUser] = pickType(random);
    const userId = withUser ? `auth0|u${Math.floor(random() * USERS)}` : null;
    const date = new Date(at).toISOString();
    yield { tenantId, logId: `${at.toString(16).padStart(12, '0')}bench${i.toString(16).padStart(8, '0')}`, date, type, userId };
  }
}

function fill(dir, tenantId) {
  const db = new Database(join(dir, 't.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const random = prng(13);
  const started = performance.now();
  const insertUser = db.prepare(
    `insert into users (tenant_id, user_id, connection_id, connection, email, email_verified, app_metadata, user_metadata, document, logins_count, created_at, updated_at)
     values (?, ?, 'con_bench', 'Username-Password-Authentication', ?, 1, '{}', '{}', '{}', 0, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < USERS; i++) {
      // Users join over the period (and a fifth before it).
      const created = new Date(FIRST_DAY_MS - DAY_MS + Math.floor(((i - USERS / 5) / USERS) * DAYS * DAY_MS)).toISOString();
      insertUser.run(tenantId, `auth0|u${i}`, `u${i}@bench.example`, created, created);
    }
  })();
  const insertLog = db.prepare(`insert into logs (tenant_id, log_id, date, type, user_id, ip, document) values (?, ?, ?, ?, ?, '198.51.100.7', ?)`);
  const rows = logRows(tenantId, ROWS, random, FIRST_DAY_MS, DAYS * DAY_MS);
  const chunk = 50_000;
  for (let done = 0; done < ROWS; done += chunk) {
    db.transaction(() => {
      for (let i = 0; i < chunk && done + i < ROWS; i++) {
        const row = rows.next().value;
        insertLog.run(row.tenantId, row.logId, row.date, row.type, row.userId, JSON.stringify({ date: row.date, type: row.type, log_id: row.logId, ...(row.userId ? { user_id: row.userId } : {}) }));
      }
    })();
  }
  const fillMs = performance.now() - started;
  const plans = queryPlans(db, tenantId);
  db.close();
  return { fillMs, plans };
}

/** The aggregator's reads (storage/repositories/stats.ts) as SQL, and SQLite's plan for each. */
function queryPlans(db, tenantId) {
  const day = new Date(FIRST_DAY_MS).toISOString();
  const next = new Date(FIRST_DAY_MS + DAY_MS).toISOString();
  const counted = ['s', 'ss', 'f', 'fp', 'fu', 'pwd_leak', 'limit_wc', 'limit_mu', 'limit_sul'];
  const active = ['s', 'ssa', 'seacft', 'sertft', 'sepft', 'scoa'];
  const marks = (list) => list.map(() => '?').join(', ');
  const queries = {
    countLogTypes: [`select type, count(*) as n, min(date) as first from logs where tenant_id = ? and type in (${marks(counted)}) and date >= ? and date < ? group by type`, [tenantId, ...counted, day, next]],
    countDistinctUsers: [`select count(distinct user_id) as n from logs where tenant_id = ? and type in (${marks(active)}) and date >= ? and date < ? and user_id is not null`, [tenantId, ...active, day, next]],
    markActive: [`select distinct cast(? as text) as tenant_id, user_id, cast(? as text) as day from logs where tenant_id = ? and type in (${marks(active)}) and date >= ? and date < ? and user_id is not null`, [tenantId, '2026-01-01', tenantId, ...active, day, next]],
    firstLogDate: ['select date from logs where tenant_id = ? order by date asc limit 1', [tenantId]],
    countUsersCreatedBefore: ['select count(*) as n from users where tenant_id = ? and created_at < ?', [tenantId, next]],
  };
  return Object.fromEntries(Object.entries(queries).map(([name, [text, params]]) => [name, db.prepare(`explain query plan ${text}`).all(...params).map((step) => step.detail)]));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** BATCHES batches of BATCH rows through LogsRepository.insertMany, timed one by one. */
async function insertBatches(storage, tenantId, seed) {
  const random = prng(seed);
  const at = NOW + seed * DAY_MS; // after the aggregated days: today's traffic
  const rows = logRows(tenantId, BATCHES * BATCH, random, at, DAY_MS / 2);
  const times = [];
  for (let b = 0; b < BATCHES; b++) {
    const batch = [];
    for (let i = 0; i < BATCH; i++) {
      const row = rows.next().value;
      batch.push({ tenantId, logId: `${row.logId}s${seed}`, date: row.date, type: row.type, clientId: 'bench-client', clientName: 'Bench', userId: row.userId, userName: null, ip: '198.51.100.7', userAgent: 'bench', description: null, document: { date: row.date, type: row.type } });
    }
    const started = performance.now();
    await storage.repos.logs.insertMany(batch);
    times.push(performance.now() - started);
  }
  const total = times.reduce((sum, t) => sum + t, 0);
  return { batches: BATCHES, rowsPerBatch: BATCH, medianBatchMs: median(times), meanBatchMs: total / BATCHES, usPerRow: (total * 1000) / (BATCHES * BATCH) };
}

async function main() {
  const loadAtStart = os.loadavg();
  const dir = mkdtempSync(join(os.tmpdir(), 'tessera-bench-stats-'));
  try {
    const { loadConfig } = await importDist('config/config.js');
    const { openRuntime, closeRuntime } = await importDist('cli/runtime.js');
    const { sql } = await import('kysely');
    const config = configFor(dir, loadConfig);

    let services = await openRuntime(config, (error) => console.error(error), { clock: fixedClock });
    const tenant = await services.tenants.create('bench');
    await closeRuntime(services);

    console.error(`filling ${ROWS.toLocaleString('en')} log rows over ${DAYS} days and ${USERS.toLocaleString('en')} users...`);
    const { fillMs, plans } = fill(dir, tenant.id);

    console.error('aggregating (child process)...');
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--aggregate', dir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
    if (child.status !== 0) throw new Error(`aggregation failed: ${child.stderr}`);
    const aggregation = JSON.parse(child.stdout.trim().split('\n').pop());
    if (aggregation.job.errors.length || aggregation.job.days !== DAYS) throw new Error(`aggregation: ${JSON.stringify(aggregation.job)}`);

    console.error('log insert batches with and without logs_tenant_type_date...');
    services = await openRuntime(config, (error) => console.error(error), { clock: fixedClock });
    const db = services.storage.db;
    const withIndex = await insertBatches(services.storage, tenant.id, 1);
    await sql`drop index logs_tenant_type_date`.execute(db);
    const withoutIndex = await insertBatches(services.storage, tenant.id, 2);
    let started = performance.now();
    await sql`create index logs_tenant_type_date on logs (tenant_id, type, date, user_id)`.execute(db);
    const indexBuildMs = performance.now() - started;
    const withIndexAgain = await insertBatches(services.storage, tenant.id, 3);
    const logRowsAtEnd = Number((await sql`select count(*) as n from logs`.execute(db)).rows[0].n);
    await closeRuntime(services);

    const withUsPerRow = (withIndex.usPerRow + withIndexAgain.usPerRow) / 2;
    const report = {
      date: new Date().toISOString(),
      machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: os.totalmem() / 2 ** 30, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg() },
      tessera: { commit: git('rev-parse', 'HEAD'), dirty: (git('status', '--porcelain') ?? '') !== '' },
      settings: { rows: ROWS, days: DAYS, users: USERS, batches: BATCHES, rowsPerBatch: BATCH, database: 'sqlite' },
      fill: { ms: fillMs },
      aggregation,
      inserts: { withIndex, withoutIndex, withIndexAgain, indexBuildMs, logRowsAtIndexBuild: ROWS + 2 * BATCHES * BATCH, logRowsAtEnd, withUsPerRow, extraUsPerRow: withUsPerRow - withoutIndex.usPerRow },
      plans,
    };
    const coveringEverywhere = ['countLogTypes', 'countDistinctUsers', 'markActive'].every((name) => plans[name].some((step) => step.includes('COVERING INDEX logs_tenant_type_date')));
    report.coveringIndexUsed = coveringEverywhere;

    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', `${report.date.replace(/[:.]/g, '-').slice(0, 19)}Z-stats.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    if (process.env.BENCH_WRITE_README !== '0') writeReadme(report, file);
    console.log(JSON.stringify({ aggregation: report.aggregation, inserts: report.inserts, coveringIndexUsed: coveringEverywhere }, null, 2));
    if (!coveringEverywhere) {
      console.error('a stats query does not use the covering index:', JSON.stringify(plans, null, 2));
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function git(...args) {
  const out = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

function writeReadme(report, file) {
  const readmePath = join(ROOT, 'bench/README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf(MARK_START);
  const end = readme.indexOf(MARK_END);
  if (start < 0 || end < 0) return;
  const a = report.aggregation;
  const i = report.inserts;
  const n = (value, digits = 0) => value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const section = [
    MARK_START,
    `Last run: **${report.date}** · ${report.machine.cpu} · ${report.machine.cores} cores · Node ${report.machine.node} · SQLite · ${n(report.settings.rows)} log rows over ${report.settings.days} days, ${n(report.settings.users)} users · load average ${n(report.machine.loadAverageAtStart[0], 1)} at the start (other processes share the cores: compare runs on a quiet machine) · raw: \`${file.slice(ROOT.length + 1)}\``,
    '',
    '| Measure | Result |',
    '|---|---:|',
    `| first aggregation run (the job: ${a.job.days} closed days, one tenant) | ${n(a.job.ms / 1000, 2)} s (${n(a.job.ms / a.job.days)} ms per day of ${n(report.settings.rows / report.settings.days)} events) |`,
    `| forced rebuild of the same days | ${n(a.rebuild.ms / 1000, 2)} s |`,
    `| peak RSS of the aggregating process (after opening the runtime → after the run) | ${n(a.rss.peakAfterOpenMb)} MB → ${n(a.rss.peakMb)} MB |`,
    `| log insert, batches of ${i.withIndex.rowsPerBatch} through the repository, with \`logs_tenant_type_date\` | ${n(i.withUsPerRow, 1)} µs per row (mean of two runs; median batch ${n(i.withIndex.medianBatchMs, 1)} / ${n(i.withIndexAgain.medianBatchMs, 1)} ms) |`,
    `| the same without the index | ${n(i.withoutIndex.usPerRow, 1)} µs per row (median batch ${n(i.withoutIndex.medianBatchMs, 1)} ms) |`,
    `| building the index on ${n(i.logRowsAtIndexBuild)} rows (what migration 016 costs on such a table) | ${n(i.indexBuildMs / 1000, 2)} s |`,
    `| aggregator reads on the covering index (EXPLAIN QUERY PLAN) | ${report.coveringIndexUsed ? 'yes, all three' : '**no**'} |`,
    MARK_END,
  ].join('\n');
  writeFileSync(readmePath, readme.slice(0, start) + section + readme.slice(end + MARK_END.length));
}

if (process.argv[2] === '--aggregate') {
  aggregateChild(process.argv[3]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
