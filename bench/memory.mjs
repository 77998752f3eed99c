#!/usr/bin/env node
// Memory and start-up (issue 19 §3), from the built server (dist/):
//   1. cold start on an empty database: from spawning `tessera start` to the first answered request
//      (GET /.well-known/openid-configuration = 200), migrations included; then a second start on the
//      same database (migrations already applied);
//   2. idle RSS after start (BENCH_MEMORY_IDLE seconds after the first answer, nothing requested);
//   3. RSS sampled every BENCH_MEMORY_SAMPLE seconds under a mixed load for BENCH_MEMORY_MINUTES
//      minutes (default 10): client_credentials tokens (ES256), a wrong secret (a 401 and a failure
//      log), discovery, JWKS, Management API reads (clients, one client, logs). The load is paced
//      (BENCH_MEMORY_RATE requests per second in all, default 300) so that memory, not CPU, is what
//      is measured; "flat" means the RSS grew less than BENCH_MEMORY_FLAT_MB (default 5 MB) over the
//      last half of the run (the last 5 minutes of 10), by its least-squares line.
// Server on core 0, this script and its load on core 1 (taskset), as bench/run.mjs.
//
//   node bench/memory.mjs                               # after npm run build; ~11 minutes
//   BENCH_MEMORY_MINUTES=2 node bench/memory.mjs        # a short run (not a result for the target)
//   BENCH_DATABASE=postgres node bench/memory.mjs       # a fresh schema in BENCH_POSTGRES_URL, dropped after
//   BENCH_MEMORY_COLD_DB=/tmp/big/tessera.db BENCH_MEMORY_COLD_DATA_DIR=/tmp/big node bench/memory.mjs
//                                                       # also: start-up on a seeded database (npm run bench:seed)
// Writes bench/results/<date>-memory.json and rewrites the bench:memory block of bench/README.md
// (BENCH_WRITE_README=0 to skip).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH_DIR, '..');
const CLI = resolve(ROOT, process.env.BENCH_TESSERA_CLI || 'dist/cli/index.js');
const README = join(BENCH_DIR, 'README.md');
const MARK_START = '<!-- bench:memory:start -->';
const MARK_END = '<!-- bench:memory:end -->';
const num = (name, def) => (process.env[name] ? Number(process.env[name]) : def);
const settings = {
  minutes: num('BENCH_MEMORY_MINUTES', 10),
  idleSeconds: num('BENCH_MEMORY_IDLE', 5),
  sampleSeconds: num('BENCH_MEMORY_SAMPLE', 5),
  rate: num('BENCH_MEMORY_RATE', 300),
  connections: num('BENCH_MEMORY_CONNECTIONS', 10),
  flatMb: num('BENCH_MEMORY_FLAT_MB', 5),
  database: process.env.BENCH_DATABASE || 'sqlite',
  postgresUrl: process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test',
  serverCpu: '0',
  loadCpu: '1',
};
const TARGETS = { idleRssMb: 150, coldStartEmptyMs: 2000, coldStartSeededMs: 5000 };
const RESOURCE = 'https://api.bench.example/';
const log = (msg) => console.log(`[memory ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const alnum = (n) => randomBytes(n).toString('base64url').replace(/[-_]/g, 'x').slice(0, n);

if (!existsSync(CLI)) {
  console.error(`memory: ${CLI} is missing (npm run build)`);
  process.exit(1);
}
spawnSync('taskset', ['-a', '-cp', settings.loadCpu, String(process.pid)], { stdio: 'ignore' });

const children = new Set();
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });

function freePort() {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function request({ port, host, method = 'GET', path, headers = {}, body }) {
  return new Promise((res, rej) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false, timeout: 5000, headers: { host, ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (resp) => {
      let text = '';
      resp.setEncoding('utf8');
      resp.on('data', (d) => { text += d; });
      resp.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        res({ status: resp.statusCode, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    if (body) req.write(body);
    req.end();
  });
}

function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return null;
  }
}

/** Starts the server and times it to its first 200 on discovery (polled every 5 ms). */
async function start(env, port) {
  const host = `localhost:${port}`;
  const t0 = performance.now();
  const child = spawn('taskset', ['-c', settings.serverCpu, process.execPath, CLI, 'start'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', TESSERA_BASE_DOMAIN: 'localhost', TESSERA_DEFAULT_TENANT: 'dev', LOG_LEVEL: 'warn', RATE_LIMIT_IP_PER_MINUTE: '1000000000', RATE_LIMIT_CLIENT_PER_MINUTE: '1000000000', ...env },
  });
  children.add(child);
  let err = '';
  child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  child.stdout.resume();
  child.exited = new Promise((res) => child.on('exit', () => { children.delete(child); res(); }));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tessera exited during start-up:\n${err}`);
    if (performance.now() - t0 > 120_000) throw new Error(`tessera did not answer within 120 s:\n${err}`);
    try {
      const r = await request({ port, host, path: '/.well-known/openid-configuration' });
      if (r.status === 200) return { child, host, port, startMs: Math.round(performance.now() - t0) };
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
}

async function stop(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  if ((await Promise.race([child.exited, sleep(5000, 'timeout')])) === 'timeout') child.kill('SIGKILL');
  await child.exited;
}

async function dropSchema(schema) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: settings.postgresUrl });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** API, application and client grant through the Management API; returns the mixed load's requests. */
async function setUp({ port, host }, boot) {
  const tok = await request({ port, host, method: 'POST', path: '/oauth/token', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: boot.id, client_secret: boot.secret, audience: `http://${host}/api/v2/` }) });
  if (tok.status !== 200) throw new Error(`management token: ${tok.status} ${tok.text}`);
  const auth = { authorization: `Bearer ${tok.json.access_token}`, 'content-type': 'application/json' };
  const post = async (path, payload) => {
    const r = await request({ port, host, method: 'POST', path, headers: auth, body: JSON.stringify(payload) });
    if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  await post('/api/v2/resource-servers', { name: 'Bench API', identifier: RESOURCE, signing_alg: 'ES256', scopes: [{ value: 'read:bench' }] });
  const client = await post('/api/v2/clients', { name: 'bench', app_type: 'non_interactive', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
  await post('/api/v2/client-grants', { client_id: client.client_id, audience: RESOURCE, scope: ['read:bench'] });
  const form = (o) => new URLSearchParams(o).toString();
  const formHeaders = { host, 'content-type': 'application/x-www-form-urlencoded' };
  const mgmt = { host, authorization: auth.authorization };
  // Weights by repetition: tokens dominate, as on a real tenant.
  const token = { method: 'POST', path: '/oauth/token', headers: formHeaders, body: form({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, audience: RESOURCE }) };
  return [
    token, token, token, token,
    { method: 'POST', path: '/oauth/token', headers: formHeaders, body: form({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: 'wrong-secret', audience: RESOURCE }) },
    { method: 'GET', path: '/.well-known/openid-configuration', headers: { host } },
    { method: 'GET', path: '/.well-known/jwks.json', headers: { host } },
    { method: 'GET', path: '/api/v2/clients?per_page=10', headers: mgmt },
    { method: 'GET', path: `/api/v2/clients/${client.client_id}`, headers: mgmt },
    { method: 'GET', path: '/api/v2/logs?per_page=20', headers: mgmt },
  ];
}

const linearSlope = (points) => {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; }
  return sxx ? sxy / sxx : 0;
};

async function main() {
  const started = new Date();
  const loadAverageBefore = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const dir = mkdtempSync(join(os.tmpdir(), 'tessera-memory-'));
  const schema = settings.database === 'postgres' ? `bench_mem_${alnum(10).toLowerCase()}` : null;
  const boot = { id: alnum(32), secret: alnum(64) };
  const env = {
    DATABASE_URL: schema ? `${settings.postgresUrl}?schema=${schema}` : `sqlite:${join(dir, 'tessera.db')}`,
    TESSERA_DATA_DIR: dir,
    TESSERA_BOOTSTRAP_CLIENT_ID: boot.id,
    TESSERA_BOOTSTRAP_CLIENT_SECRET: boot.secret,
  };
  const result = { benchmark: 'memory and start-up (issue 19 §3)', date: started.toISOString(), settings, targets: TARGETS, loadAverageBefore, machine: { cpuModel: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, totalMemoryBytes: os.totalmem() } };
  try {
    // 1. Cold start on an empty database (migrations, default tenant, keys), then again on it.
    let server = await start(env, await freePort());
    result.coldStartEmptyMs = server.startMs;
    log(`cold start on an empty ${settings.database} database: ${server.startMs} ms to the first answer`);
    await stop(server.child);
    server = await start(env, await freePort());
    result.startMigratedMs = server.startMs;
    log(`second start (migrations applied): ${server.startMs} ms`);

    // 2. Idle RSS.
    await sleep(settings.idleSeconds * 1000);
    result.idleRssMb = rssMb(server.child.pid);
    log(`idle RSS ${settings.idleSeconds} s after the first answer: ${result.idleRssMb} MB`);

    // 3. Mixed load, RSS sampled.
    const requests = await setUp(server, boot);
    const samples = [{ t: 0, rssMb: rssMb(server.child.pid) }];
    const seconds = Math.round(settings.minutes * 60);
    const t0 = Date.now();
    const sampler = setInterval(() => samples.push({ t: Math.round((Date.now() - t0) / 1000), rssMb: rssMb(server.child.pid) }), settings.sampleSeconds * 1000);
    log(`mixed load: ${settings.rate} req/s over ${settings.connections} connections for ${settings.minutes} min (RSS every ${settings.sampleSeconds} s)`);
    const load = await new Promise((res, rej) => autocannon({ url: `http://127.0.0.1:${server.port}`, connections: settings.connections, overallRate: settings.rate, duration: seconds, requests, timeout: 10 }, (e, r) => (e ? rej(e) : res(r))));
    clearInterval(sampler);
    samples.push({ t: Math.round((Date.now() - t0) / 1000), rssMb: rssMb(server.child.pid) });
    const lastHalf = samples.filter((s) => s.t >= seconds / 2 && s.rssMb !== null);
    const slopePerSecond = linearSlope(lastHalf.map((s) => [s.t, s.rssMb]));
    const growthLastHalfMb = Math.round(slopePerSecond * (seconds / 2) * 10) / 10;
    Object.assign(result, {
      load: { requests: load.requests.total, non2xx: load.non2xx, errors: load.errors, timeouts: load.timeouts, reqPerSec: Math.round(load.requests.mean), latencyP99: load.latency.p99, statusCodeStats: load.statusCodeStats },
      rss: {
        samples,
        maxMb: Math.max(...samples.map((s) => s.rssMb ?? 0)),
        atHalfMb: lastHalf[0]?.rssMb ?? null,
        endMb: samples.at(-1).rssMb,
        growthLastHalfMb,
        flat: Math.abs(growthLastHalfMb) < settings.flatMb,
      },
      loadAverageAfter: os.loadavg().map((x) => Math.round(x * 100) / 100),
    });
    log(`RSS under load: max ${result.rss.maxMb} MB, at half time ${result.rss.atHalfMb} MB, at the end ${result.rss.endMb} MB; ` +
      `growth over the last half ${growthLastHalfMb} MB (${result.rss.flat ? 'flat' : 'NOT flat'}); ${result.load.requests} requests, ${result.load.non2xx} non-2xx (the wrong secrets: 1 in 10)`);
    await stop(server.child);

    // Optional: start-up on a seeded database (migrations already applied).
    if (process.env.BENCH_MEMORY_COLD_DB || process.env.BENCH_MEMORY_COLD_URL) {
      const seeded = await start({
        DATABASE_URL: process.env.BENCH_MEMORY_COLD_URL || `sqlite:${process.env.BENCH_MEMORY_COLD_DB}`,
        TESSERA_DATA_DIR: process.env.BENCH_MEMORY_COLD_DATA_DIR || dirname(process.env.BENCH_MEMORY_COLD_DB),
      }, await freePort());
      result.coldStartSeededMs = seeded.startMs;
      result.coldStartSeededRssMb = rssMb(seeded.child.pid);
      log(`start on the seeded database: ${seeded.startMs} ms, RSS ${result.coldStartSeededRssMb} MB`);
      await stop(seeded.child);
    }
  } finally {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  }
  const file = `${started.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}-memory${settings.database === 'postgres' ? '-postgres' : ''}.json`;
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(join(BENCH_DIR, 'results', file), `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote bench/results/${file}`);
  if (process.env.BENCH_WRITE_README !== '0') writeReadme(result, file);
}

function writeReadme(r, file) {
  const met = (ok) => (ok ? 'yes' : '**no**');
  const lines = [
    `Last run: **${r.date}** · ${r.machine.cpuModel} · ${r.machine.cores} cores · Node ${r.machine.node} · ${r.settings.database === 'postgres' ? 'PostgreSQL' : 'SQLite'} · ` +
      `load average ${r.loadAverageBefore[0]} before, ${r.loadAverageAfter?.[0]} after (other sessions share the cores) · raw: \`bench/results/${file}\``,
    '',
    '| Measure | Result | Target | Met |',
    '|---|---:|---:|:---:|',
    `| cold start to the first answered request, empty database (migrations included) | ${r.coldStartEmptyMs} ms | < ${TARGETS.coldStartEmptyMs} ms | ${met(r.coldStartEmptyMs < TARGETS.coldStartEmptyMs)} |`,
    `| second start, same database (migrations applied) | ${r.startMigratedMs} ms | — | — |`,
    ...(r.coldStartSeededMs ? [`| start on the seeded database | ${r.coldStartSeededMs} ms | < ${TARGETS.coldStartSeededMs} ms | ${met(r.coldStartSeededMs < TARGETS.coldStartSeededMs)} |`] : []),
    `| idle RSS ${r.settings.idleSeconds} s after start | ${r.idleRssMb} MB | < ${TARGETS.idleRssMb} MB | ${met(r.idleRssMb < TARGETS.idleRssMb)} |`,
    `| RSS under ${r.settings.minutes} min of mixed load (${r.load.reqPerSec} req/s): max / at half time / end | ${r.rss.maxMb} / ${r.rss.atHalfMb} / ${r.rss.endMb} MB | — | — |`,
    `| RSS growth over the last half (least squares) | ${r.rss.growthLastHalfMb} MB | flat (< ${r.settings.flatMb} MB) | ${r.settings.minutes >= 10 ? met(r.rss.flat) : `${r.rss.flat ? 'flat' : 'not flat'} (short run: no result)`} |`,
  ];
  let text = readFileSync(README, 'utf8');
  const block = `${MARK_START}\n${lines.join('\n')}\n${MARK_END}`;
  const a = text.indexOf(MARK_START);
  const b = text.indexOf(MARK_END);
  text = a !== -1 && b > a ? text.slice(0, a) + block + text.slice(b + MARK_END.length) : `${text.trimEnd()}\n\n## Memory and start-up (issue 19 §3)\n\n${block}\n`;
  writeFileSync(README, text);
}

main().catch((err) => {
  console.error(`memory: FAILED: ${err?.stack ?? err}`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
