#!/usr/bin/env node
// Token endpoint benchmark: Tessera vs oidc-provider and vs the ceiling peer (a minimal Fastify
// route doing only the work the request needs, bench/peers/ceiling.mjs), client_credentials grant,
// RS256 and ES256 JWT access tokens. See bench/README.md.
//
// Layout on a 2-core machine:
//   core 0: the server under test (one at a time, never two)
//   core 1: autocannon (bench/load.mjs child) and this orchestrator
//
// Env:
//   BENCH_DURATION     measured seconds per run (default 10)
//   BENCH_WARMUP       warm-up seconds per run (default 3)
//   BENCH_CONNECTIONS  autocannon connections (default 50)
//   BENCH_ONLY         'oidc-provider', 'ceiling' or 'tessera' to run just one side
//   BENCH_DATABASES    comma list of Tessera's databases: 'sqlite' (default), 'postgres' (a fresh
//                      schema in BENCH_POSTGRES_URL, dropped afterwards), e.g. 'sqlite,postgres'
//   BENCH_POSTGRES_URL default postgres://postgres@127.0.0.1:5432/test
//   BENCH_TESSERA_ENV  JSON object of extra environment for Tessera (A/B switches)
//   BENCH_RATE         pace the load at this many requests per second in all (default 0: as fast as it
//                      goes); a paced A/B compares CPU per request when the machine is too busy for req/s
//   BENCH_RESULTS_DIR  where the run's JSON goes (default bench/results)
//   BENCH_TESSERA_NODE_ARGS  extra node flags for Tessera, space-separated (e.g. profiling:
//                      '--cpu-prof --cpu-prof-dir=/tmp/prof'; the profile is written when it exits)
//   BENCH_SCENARIOS    comma list, default 'RS256,ES256'
//   BENCH_SERVER_CPU   core for servers (default 0)
//   BENCH_LOAD_CPU     core for the load generator (default 1)
//   BENCH_NO_PIN=1     don't use taskset (results are then marked unpinned)
//   BENCH_WRITE_README=0  don't touch bench/README.md (results JSON is still written)
//   BENCH_TESSERA_CLI  path of Tessera's CLI entry (default dist/cli/index.js)
//   BENCH_QUIET_WAIT   max seconds to wait for an idle machine before each run (default 30, 0 = don't)
//   BENCH_QUIET_THRESHOLD  % busy (all cores, 1 s sample) that counts as idle (default 15)
//   BENCH_PKJ=0        skip the Tessera private_key_jwt row (ES256 scenario: the client authenticates
//                      with an ES256 client assertion, a fresh jti per request, instead of its secret)
//   BENCH_JWE=0        skip the Tessera JWE row (RS256 scenario: the API has token_encryption, so each
//                      RS256 token is nested in a compact JWE, RSA-OAEP-256 + A256GCM, for a 2048-bit key)
import { spawn, spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { compactDecrypt } from 'jose';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

// Resolves to 'timeout' after ms without keeping the process alive.
const deadline = (ms) => new Promise((res) => setTimeout(res, ms, 'timeout').unref());

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH_DIR, '..');
// BENCH_RESULTS_DIR: where the run's JSON goes (bench/ab.mjs keeps its rounds' files apart).
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ? resolve(process.env.BENCH_RESULTS_DIR) : join(BENCH_DIR, 'results');
const README = join(BENCH_DIR, 'README.md');
const TESSERA_CLI = resolve(ROOT, process.env.BENCH_TESSERA_CLI || 'dist/cli/index.js');
const PEER_OIDC = join(BENCH_DIR, 'peers', 'oidc-provider.mjs');
const PEER_CEILING = join(BENCH_DIR, 'peers', 'ceiling.mjs');
const LOAD = join(BENCH_DIR, 'load.mjs');

const RESOURCE = 'https://api.bench.example/';
const SCOPE = 'read:bench';
const TARGETS = { RS256: 1.5, ES256: 2.5 };
// Issue 19 §1: Tessera's throughput as a share of the ceiling peer's, and its p99 at 50 connections.
const CEILING_TARGETS = { RS256: 0.85, ES256: 0.7 };
const P99_TARGET_MS = 50;
const MARK_START = '<!-- bench:token:start -->';
const MARK_END = '<!-- bench:token:end -->';

// ---------------------------------------------------------------- settings --
function envNumber(name, def) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) fail(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

const settings = {
  duration: envNumber('BENCH_DURATION', 10),
  warmup: envNumber('BENCH_WARMUP', 3),
  connections: envNumber('BENCH_CONNECTIONS', 50),
  rate: envNumber('BENCH_RATE', 0),
  pipelining: 1,
  serverCpu: String(envNumber('BENCH_SERVER_CPU', 0)),
  loadCpu: String(envNumber('BENCH_LOAD_CPU', 1)),
  pin: process.env.BENCH_NO_PIN !== '1',
  only: process.env.BENCH_ONLY || null,
  scenarios: (process.env.BENCH_SCENARIOS || 'RS256,ES256').split(',').map((s) => s.trim()).filter(Boolean),
  writeReadme: process.env.BENCH_WRITE_README !== '0',
  quietWait: envNumber('BENCH_QUIET_WAIT', 30),
  quietThreshold: envNumber('BENCH_QUIET_THRESHOLD', 15),
  pkj: process.env.BENCH_PKJ !== '0',
  jwe: process.env.BENCH_JWE !== '0',
  databases: (process.env.BENCH_DATABASES || 'sqlite').split(',').map((s) => s.trim()).filter(Boolean),
  postgresUrl: process.env.BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test',
  tesseraEnv: process.env.BENCH_TESSERA_ENV ? JSON.parse(process.env.BENCH_TESSERA_ENV) : {},
  tesseraNodeArgs: (process.env.BENCH_TESSERA_NODE_ARGS || '').split(' ').filter(Boolean),
};
for (const d of settings.databases) if (!['sqlite', 'postgres'].includes(d)) fail(`unknown database "${d}" in BENCH_DATABASES (sqlite|postgres)`);
if (settings.duration <= 0) fail('BENCH_DURATION must be > 0');
if (settings.only && !['oidc-provider', 'ceiling', 'tessera'].includes(settings.only)) {
  fail(`BENCH_ONLY must be "oidc-provider", "ceiling" or "tessera", got "${settings.only}"`);
}
for (const s of settings.scenarios) if (!TARGETS[s]) fail(`unknown scenario "${s}" (RS256|ES256)`);

function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(1);
}

function log(msg) {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

// ------------------------------------------------------- process tracking --
const children = new Set();

function killAll(signal = 'SIGKILL') {
  for (const child of children) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}
process.on('exit', () => killAll('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`bench: received ${sig}, stopping servers`);
    killAll('SIGKILL');
    process.exit(130);
  });
}

function pinned(cpu, args) {
  return settings.pin ? ['taskset', ['-c', cpu, ...args]] : [args[0], args.slice(1)];
}

function affinityOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? null;
  } catch {
    return null;
  }
}

// CPU accounting from /proc, to tell whether a run was disturbed: other work on
// the server core, hypervisor steal, or a saturated load-generator core.
function coreTicks(cpu) {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `));
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
    const total = f.reduce((a, b) => a + b, 0);
    return { total, busy: user + nice + system + irq + softirq, irq: irq + softirq, steal };
  } catch {
    return null;
  }
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return null;
  }
}

function cpuSnapshot(serverPid) {
  return {
    server: coreTicks(settings.serverCpu),
    load: coreTicks(settings.loadCpu),
    proc: processTicks(serverPid),
  };
}

function cpuUsage(a, b) {
  const pct = (x, total) => Math.round((1000 * x) / total) / 10;
  if (!a.server || !b.server || !a.load || !b.load) return null;
  const st = b.server.total - a.server.total;
  const lt = b.load.total - a.load.total;
  if (st <= 0 || lt <= 0) return null;
  const serverProcessPct = a.proc !== null && b.proc !== null ? pct(b.proc - a.proc, st) : null;
  const serverBusyPct = pct(b.server.busy - a.server.busy, st);
  const irqPct = pct(b.server.irq - a.server.irq, st);
  return {
    // The server's own CPU time over warm-up + measured run (utime + stime, at CLK_TCK ticks a second).
    serverProcessSeconds: a.proc !== null && b.proc !== null ? (b.proc - a.proc) / CLK_TCK : null,
    serverCore: {
      busyPct: serverBusyPct,
      serverProcessPct,
      // (soft)irq time is mostly the loopback network stack serving this very benchmark
      irqPct,
      otherPct: serverProcessPct === null ? null
        : Math.max(0, Math.round(10 * (serverBusyPct - serverProcessPct - irqPct)) / 10),
      stealPct: pct(b.server.steal - a.server.steal, st),
    },
    loadCore: {
      busyPct: pct(b.load.busy - a.load.busy, lt),
      stealPct: pct(b.load.steal - a.load.steal, lt),
    },
  };
}

function allCoresBusyPct(a, b) {
  let busy = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    if (!a[i] || !b[i]) continue;
    busy += b[i].busy - a[i].busy;
    total += b[i].total - a[i].total;
  }
  return total > 0 ? (100 * busy) / total : 0;
}

// Other people's builds/tests on the same box skew the numbers badly. Before each
// measurement, wait (up to BENCH_QUIET_WAIT seconds) until the machine is idle.
async function waitForQuiet() {
  if (settings.quietWait <= 0) return null;
  const cores = [...Array(os.cpus().length).keys()];
  const until = Date.now() + settings.quietWait * 1000;
  let announced = false;
  for (;;) {
    const a = cores.map(coreTicks);
    await sleep(1000);
    const pct = allCoresBusyPct(a, cores.map(coreTicks));
    if (pct <= settings.quietThreshold) {
      if (announced) log(`machine is quiet again (${pct.toFixed(0)}% busy)`);
      return null;
    }
    if (Date.now() >= until) {
      const msg = `machine still ${pct.toFixed(0)}% busy before the run after waiting ${settings.quietWait}s`;
      log(`  warning: ${msg}`);
      return msg;
    }
    if (!announced) {
      log(`machine is ${pct.toFixed(0)}% busy with other work, waiting up to ${settings.quietWait}s for it to calm down…`);
      announced = true;
    }
  }
}

function spawnTracked(name, cpu, args, env) {
  const [cmd, argv] = pinned(cpu, args);
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.benchName = name;
  child.out = '';
  child.err = '';
  const keep = (s) => (s.length > 64 * 1024 ? s.slice(-64 * 1024) : s);
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => { child.out = keep(child.out + d); });
  child.stderr.on('data', (d) => { child.err = keep(child.err + d); });
  child.exited = new Promise((res) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      child.exitInfo = { code, signal };
      res(child.exitInfo);
    });
  });
  child.on('error', (err) => {
    child.spawnError = err;
  });
  children.add(child);
  return child;
}

async function stop(child) {
  if (!child || child.exitInfo) return;
  child.kill('SIGTERM');
  if ((await Promise.race([child.exited, deadline(3000)])) === 'timeout') {
    child.kill('SIGKILL');
    await child.exited;
  }
}

function tail(s, n = 2000) {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

function describeExit(child) {
  return `${child.benchName} exited (${JSON.stringify(child.exitInfo)})\n--- stdout ---\n${tail(child.out)}\n--- stderr ---\n${tail(child.err)}`;
}

// ------------------------------------------------------------------- http --
function freePort() {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function request({ port, host, method = 'GET', path, headers = {}, body, timeoutMs = 10_000 }) {
  return new Promise((res, rej) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { host, ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) },
        agent: false,
        timeout: timeoutMs,
      },
      (resp) => {
        let text = '';
        resp.setEncoding('utf8');
        resp.on('data', (d) => { text += d; });
        resp.on('end', () => {
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          res({ status: resp.statusCode, headers: resp.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', rej);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function waitFor(child, what, check, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  let lastErr;
  while (Date.now() < until) {
    if (child.spawnError) throw new Error(`${child.benchName}: cannot spawn: ${child.spawnError.message}`);
    if (child.exitInfo) throw new Error(`${child.benchName} died while waiting for ${what}\n${describeExit(child)}`);
    try {
      if (await check()) return;
    } catch (err) {
      lastErr = err;
    }
    await sleep(100);
  }
  throw new Error(`${child.benchName}: timed out after ${timeoutMs} ms waiting for ${what}` +
    `${lastErr ? ` (last error: ${lastErr.message})` : ''}\n--- stderr ---\n${tail(child.err)}`);
}

const randomAlnum = (n) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += abc[bytes[i] % abc.length];
  return s;
};

const form = (obj) => new URLSearchParams(obj).toString();

// ---------------------------------------------------------------- servers --
// Each start function returns { child, port, host, body, describe }.

async function startOidcProvider(alg) {
  const port = await freePort();
  const clientId = `bench-${randomAlnum(16)}`;
  const clientSecret = randomAlnum(64);
  const child = spawnTracked('oidc-provider', settings.serverCpu, [
    process.execPath, PEER_OIDC, '--port', String(port), '--alg', alg,
    '--client-id', clientId, '--client-secret', clientSecret,
    '--resource', RESOURCE, '--scope', SCOPE,
  ], { NODE_ENV: 'production' });
  await waitFor(child, '"ready" on stdout', async () => /^ready$/m.test(child.out));
  return {
    child,
    port,
    host: `localhost:${port}`,
    // oidc-provider takes the RFC 8707 `resource` parameter (it ignores Auth0's `audience`).
    body: form({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      resource: RESOURCE,
      scope: SCOPE,
    }),
  };
}

// The ceiling: a minimal Fastify route doing only the request's own work (bench/peers/ceiling.mjs).
async function startCeiling(alg) {
  const port = await freePort();
  const clientId = randomAlnum(32);
  const clientSecret = randomAlnum(64);
  const child = spawnTracked('ceiling', settings.serverCpu, [
    process.execPath, PEER_CEILING, '--port', String(port), '--alg', alg,
    '--client-id', clientId, '--client-secret', clientSecret,
    '--resource', RESOURCE, '--scope', SCOPE,
  ], { NODE_ENV: 'production' });
  await waitFor(child, '"ready" on stdout', async () => /^ready$/m.test(child.out));
  // Tessera's request body, byte for byte in shape (Auth0's `audience`).
  return { child, port, host: `localhost:${port}`, body: form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: RESOURCE }) };
}

// A fresh PostgreSQL schema per Tessera start, dropped when the server has exited.
async function dropPostgresSchema(schema) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: settings.postgresUrl });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } catch (err) {
    log(`  warning: could not drop PostgreSQL schema ${schema}: ${err.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

// A private_key_jwt client assertion (RFC 7523), signed with node:crypto as load.mjs does.
function clientAssertion({ clientId, aud, kid, alg, privateKeyPem }) {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg, kid, typ: 'JWT' })).toString('base64url');
  const claims = Buffer.from(JSON.stringify({ iss: clientId, sub: clientId, aud, iat: now, exp: now + 60, jti: randomUUID() })).toString('base64url');
  const input = `${header}.${claims}`;
  const key = createPrivateKey(privateKeyPem);
  const signature = alg === 'ES256' ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

const withAssertion = (body, assertion) =>
  `${body}&${form({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion(assertion) })}`;

async function startTessera(alg, clientAuth = 'client_secret_post', { jwe = false, database = 'sqlite' } = {}) {
  if (!existsSync(TESSERA_CLI)) {
    throw new Error(`Tessera is not built: ${TESSERA_CLI} is missing (run \`npm run build\`, or set BENCH_ONLY=oidc-provider)`);
  }
  const port = await freePort();
  const host = `localhost:${port}`;
  const dir = mkdtempSync(join(os.tmpdir(), 'tessera-bench-'));
  const bootId = randomAlnum(32);
  const bootSecret = randomAlnum(64);
  const schema = database === 'postgres' ? `bench_${randomAlnum(12).toLowerCase()}` : null;
  const databaseUrl = schema
    ? `${settings.postgresUrl}${settings.postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`
    : `sqlite:${join(dir, 'tessera.db')}`;
  const child = spawnTracked('tessera', settings.serverCpu, [process.execPath, ...settings.tesseraNodeArgs, TESSERA_CLI, 'start'], {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    TESSERA_DATA_DIR: dir,
    TESSERA_BASE_DOMAIN: 'localhost',
    TESSERA_DEFAULT_TENANT: 'dev',
    TESSERA_BOOTSTRAP_CLIENT_ID: bootId,
    TESSERA_BOOTSTRAP_CLIENT_SECRET: bootSecret,
    LOG_LEVEL: 'warn',
    // One address and one application at thousands of requests a second: limits stay on (their
    // cost is measured) but far above what the run can reach.
    RATE_LIMIT_IP_PER_MINUTE: '1000000000',
    RATE_LIMIT_CLIENT_PER_MINUTE: '1000000000',
    ...settings.tesseraEnv,
  });
  child.tmpDir = dir;
  child.cleanedUp = child.exited.then(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (schema) await dropPostgresSchema(schema);
  });

  await waitFor(child, 'GET /.well-known/openid-configuration = 200', async () => {
    const r = await request({ port, host, path: '/.well-known/openid-configuration', timeoutMs: 2000 });
    return r.status === 200;
  });

  // Management API token for the bootstrap client.
  const tok = await request({
    port, host, method: 'POST', path: '/oauth/token',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: bootId,
      client_secret: bootSecret,
      audience: `http://${host}/api/v2/`,
    }),
  });
  if (tok.status !== 200 || !tok.json?.access_token) {
    throw new Error(`tessera: management token request failed: ${tok.status} ${tail(tok.text, 500)}`);
  }
  const auth = { authorization: `Bearer ${tok.json.access_token}`, 'content-type': 'application/json' };
  const mgmt = async (path, payload) => {
    const r = await request({ port, host, method: 'POST', path, headers: auth, body: JSON.stringify(payload) });
    if (r.status < 200 || r.status >= 300) {
      throw new Error(`tessera: POST ${path} failed: ${r.status} ${tail(r.text, 500)}`);
    }
    return r.json;
  };

  // The JWE row: the API's key pair; the pre-check decrypts with its private key.
  const apiKey = jwe ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : undefined;
  await mgmt('/api/v2/resource-servers', {
    name: 'Bench API',
    identifier: RESOURCE,
    signing_alg: alg,
    scopes: [{ value: SCOPE }],
    ...(apiKey ? { token_encryption: { format: 'compact-nested-jwe', encryption_key: { alg: 'RSA-OAEP-256', pem: apiKey.publicKey.export({ type: 'spki', format: 'pem' }).toString() } } } : {}),
  });
  const client = await mgmt('/api/v2/clients', {
    name: 'bench',
    app_type: 'non_interactive',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
  });
  if (!client?.client_id || !client?.client_secret) {
    throw new Error(`tessera: POST /api/v2/clients returned no client_id/client_secret: ${JSON.stringify(client)}`);
  }
  await mgmt('/api/v2/client-grants', { client_id: client.client_id, audience: RESOURCE, scope: [SCOPE] });

  if (clientAuth === 'private_key_jwt') {
    // An ES256 credential (P-256), associated with private_key_jwt: the secret stops working.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential = await mgmt(`/api/v2/clients/${client.client_id}/credentials`, {
      credential_type: 'public_key', name: 'bench', alg: 'ES256', pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const r = await request({
      port, host, method: 'PATCH', path: `/api/v2/clients/${client.client_id}`, headers: auth,
      body: JSON.stringify({ client_authentication_methods: { private_key_jwt: { credentials: [{ id: credential.id }] } } }),
    });
    if (r.status !== 200) throw new Error(`tessera: associating the credential failed: ${r.status} ${tail(r.text, 500)}`);
    const assertion = { clientId: client.client_id, aud: `http://${host}/oauth/token`, kid: credential.kid, alg: 'ES256', privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const body = form({ grant_type: 'client_credentials', audience: RESOURCE });
    return { child, port, host, body, assertion, bodyOnce: () => withAssertion(body, assertion) };
  }

  const body = form({
    grant_type: 'client_credentials',
    client_id: client.client_id,
    client_secret: client.client_secret,
    audience: RESOURCE,
  });
  return { child, port, host, body, bodyOnce: () => body, ...(apiKey ? { decryptionKey: apiKey.privateKey } : {}) };
}

const SERVERS = {
  'oidc-provider': startOidcProvider,
  ceiling: startCeiling,
  tessera: startTessera,
  // The same run on PostgreSQL (BENCH_DATABASES=…,postgres), log writes included.
  'tessera-pg': (alg) => startTessera(alg, 'client_secret_post', { database: 'postgres' }),
  // The same server and grant, the client authenticated with an ES256 private_key_jwt assertion.
  'tessera-pkj': (alg) => startTessera(alg, 'private_key_jwt'),
  // The same server and grant, the API with token_encryption: the RS256 token nested in a JWE.
  'tessera-jwe': (alg) => startTessera(alg, 'client_secret_post', { jwe: true }),
};

// --------------------------------------------------------------- checking --
function decodeSegment(seg) {
  return JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));
}

async function precheck(target, alg) {
  const r = await request({
    port: target.port,
    host: target.host,
    method: 'POST',
    path: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: target.bodyOnce ? target.bodyOnce() : target.body,
  });
  const where = `pre-check POST /oauth/token`;
  if (r.status !== 200) throw new Error(`${where}: expected 200, got ${r.status}: ${tail(r.text, 500)}`);
  let token = r.json?.access_token;
  if (typeof token !== 'string') throw new Error(`${where}: no access_token in ${tail(r.text, 500)}`);
  // A JWE row: every response must carry the JWE's (constant) protected header; the signed JWT
  // nested in it is checked like any other token.
  let outerHeaderSegment;
  if (target.decryptionKey) {
    const jweParts = token.split('.');
    if (jweParts.length !== 5) throw new Error(`${where}: access_token is not a compact JWE (${jweParts.length} parts)`);
    outerHeaderSegment = jweParts[0];
    const outer = decodeSegment(outerHeaderSegment);
    if (outer.alg !== 'RSA-OAEP-256' || outer.enc !== 'A256GCM' || outer.cty !== 'JWT') throw new Error(`${where}: unexpected JWE header ${JSON.stringify(outer)}`);
    token = new TextDecoder().decode((await compactDecrypt(token, target.decryptionKey)).plaintext);
  }
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error(`${where}: access_token is not a compact JWS (${parts.length} parts)`);
  let header;
  let payload;
  try {
    header = decodeSegment(parts[0]);
    payload = decodeSegment(parts[1]);
  } catch (err) {
    throw new Error(`${where}: access_token is not a JWT: ${err.message}`);
  }
  if (header.alg !== alg) throw new Error(`${where}: expected alg ${alg}, got ${header.alg}`);
  const aud = [].concat(payload.aud ?? []);
  if (!aud.includes(RESOURCE)) throw new Error(`${where}: aud ${JSON.stringify(payload.aud)} does not include ${RESOURCE}`);
  const warnings = [];
  const scopes = String(payload.scope ?? r.json.scope ?? '').split(' ');
  if (!scopes.includes(SCOPE)) warnings.push(`token has no "${SCOPE}" scope (scope=${JSON.stringify(payload.scope ?? r.json.scope)})`);
  for (const w of warnings) log(`  warning: ${w}`);
  return {
    status: r.status,
    headerSegment: outerHeaderSegment ?? parts[0],
    header,
    claims: Object.keys(payload),
    scope: payload.scope ?? r.json.scope ?? null,
    tokenBytes: r.json.access_token.length,
    responseBytes: Buffer.byteLength(r.text),
    warnings,
  };
}

async function runLoad(target, alg, check) {
  const cfg = {
    url: `http://127.0.0.1:${target.port}/oauth/token`,
    host: target.host,
    body: target.body,
    connections: settings.connections,
    pipelining: settings.pipelining,
    warmup: settings.warmup,
    duration: settings.duration,
    expectedAlg: alg,
    headerSegment: check.headerSegment,
    ...(settings.rate ? { rate: settings.rate } : {}),
    ...(target.assertion ? { assertion: target.assertion } : {}),
  };
  const child = spawnTracked('load', settings.loadCpu, [process.execPath, LOAD, JSON.stringify(cfg)], {});
  const limitMs = (settings.warmup + settings.duration) * 1000 + 60_000;
  if ((await Promise.race([child.exited, deadline(limitMs)])) === 'timeout') {
    child.kill('SIGKILL');
    throw new Error(`load generator did not finish within ${limitMs} ms`);
  }
  if (child.spawnError) throw new Error(`load generator: ${child.spawnError.message}`);
  if (child.exitInfo.code !== 0) throw new Error(`load generator failed\n${describeExit(child)}`);
  const line = child.out.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`load generator printed no JSON\n${describeExit(child)}`);
  }
}

function pick(r) {
  return {
    requests: { mean: r.requests.mean, p50: r.requests.p50, stddev: r.requests.stddev, total: r.requests.total },
    latency: { mean: r.latency.mean, p50: r.latency.p50, p97_5: r.latency.p97_5, p99: r.latency.p99, max: r.latency.max },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    '2xx': r['2xx'],
    statusCodeStats: r.statusCodeStats,
    perSecond: r.timeline ? Array.from(r.timeline, (v) => v ?? 0) : undefined,
  };
}

async function measure(server, alg) {
  const busyBefore = await waitForQuiet();
  const loadAverage = os.loadavg().map((x) => Math.round(x * 100) / 100);
  log(`${server} ${alg}: starting server on core ${settings.pin ? settings.serverCpu : '(unpinned)'}`);
  let target;
  try {
    target = await SERVERS[server](alg);
    const serverAffinity = affinityOf(target.child.pid);
    const check = await precheck(target, alg);
    log(`${server} ${alg}: pre-check ok (alg ${check.header.alg}, ${check.tokenBytes} B token); ` +
      `load ${settings.warmup}s warm-up + ${settings.duration}s, ${settings.connections} connections`);
    const before = cpuSnapshot(target.child.pid);
    const load = await runLoad(target, alg, check);
    const cpu = cpuUsage(before, cpuSnapshot(target.child.pid));
    const m = pick(load.measured);
    const w = load.warmup;
    // CPU time per answered request (warm-up and measured run together). On a shared machine this is
    // steadier than req/s: a neighbour on the server core, or a starved load generator, lowers the
    // throughput but hardly the work each request costs.
    const answered = (w?.requests?.total ?? 0) + m.requests.total;
    const cpuPerRequestUs = cpu?.serverProcessSeconds && answered ? Math.round((cpu.serverProcessSeconds * 1e6) / answered) : null;
    const problems = [];
    if (m.non2xx) problems.push(`${m.non2xx} non-2xx`);
    if (m.errors) problems.push(`${m.errors} errors`);
    if (m.timeouts) problems.push(`${m.timeouts} timeouts`);
    if (m.mismatches) problems.push(`${m.mismatches} bad bodies`);
    if (w?.non2xx) problems.push(`${w.non2xx} non-2xx during warm-up`);
    if (w?.mismatches) problems.push(`${w.mismatches} bad bodies during warm-up`);
    if (m['2xx'] === 0) problems.push('no successful responses');
    if (load.verify?.firstBad) problems.push(`first bad body: ${load.verify.firstBad.slice(0, 200)}`);
    // The server must still be alive and answering after the run.
    if (target.child.exitInfo) problems.push('server exited during the run');
    const valid = problems.length === 0;
    // Not fatal, but worth knowing when comparing numbers.
    const warnings = [...check.warnings];
    if (busyBefore) warnings.push(busyBefore);
    // Disturbed: the server did not have its core to itself for the whole run.
    const disturbed = Boolean(busyBefore) || (cpu !== null && (
      cpu.serverCore.otherPct > 5 || cpu.serverCore.stealPct > 3
      || (cpu.serverCore.serverProcessPct !== null && cpu.serverCore.serverProcessPct < 90)));
    if (cpu) {
      if (cpu.serverCore.otherPct > 5) warnings.push(`${cpu.serverCore.otherPct}% of the server core was used by other processes`);
      if (cpu.serverCore.stealPct > 3) warnings.push(`${cpu.serverCore.stealPct}% steal time on the server core`);
      if (cpu.serverCore.serverProcessPct !== null && cpu.serverCore.serverProcessPct < 90) {
        warnings.push(`server used only ${cpu.serverCore.serverProcessPct}% of its core (not saturated?)`);
      }
      if (cpu.loadCore.busyPct > 90) warnings.push(`load-generator core was ${cpu.loadCore.busyPct}% busy (may be the bottleneck)`);
    }
    const logged = check.warnings.length + (busyBefore ? 1 : 0);
    for (const w of warnings.slice(logged)) log(`  warning: ${w}`);
    log(`${server} ${alg}: ${m.requests.mean.toFixed(0)} req/s (p50 ${m.requests.p50}), latency p50 ${m.latency.p50} ms ` +
      `p99 ${m.latency.p99} ms, ${cpuPerRequestUs} µs CPU per request${cpu ? `; server ${cpu.serverCore.serverProcessPct}% of core ${settings.serverCpu}, ` +
      `load core ${cpu.loadCore.busyPct}% busy` : ''}${valid ? '' : ` — INVALID: ${problems.join(', ')}`}`);
    return {
      server,
      alg,
      valid,
      disturbed,
      loadAverage,
      cpuPerRequestUs,
      problems,
      warnings,
      summary: m,
      cpu,
      precheck: check,
      affinity: { server: serverAffinity, load: settings.pin ? settings.loadCpu : null },
      autocannon: { warmup: load.warmup, measured: load.measured, verify: load.verify, config: load.config },
    };
  } finally {
    if (target) {
      await stop(target.child);
      await target.child.cleanedUp;
    }
  }
}

// ------------------------------------------------------------------ report --
function machineInfo() {
  const cpus = os.cpus();
  const version = (p) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  const git = (...a) => {
    const r = spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  return {
    cpuModel: cpus[0]?.model ?? null,
    cores: cpus.length,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    totalMemoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    versions: { 'oidc-provider': version('oidc-provider'), fastify: version('fastify'), autocannon: version('autocannon'), jose: version('jose') },
    tessera: { commit: git('rev-parse', 'HEAD'), dirty: (git('status', '--porcelain') ?? '') !== '' },
  };
}

const fmtInt = (n) => (typeof n === 'number' ? Math.round(n).toLocaleString('en-US') : '—');

const DB_OF = { tessera: 'SQLite', 'tessera-pg': 'PostgreSQL' };

function tableMarkdown(report) {
  const { machine, settings: s } = report;
  const byKey = new Map(report.runs.map((r) => [`${r.server}/${r.alg}`, r]));
  const cell = (r) => {
    if (!r) return 'not run';
    return `${fmtInt(r.summary.requests.mean)}${r.valid ? '' : ' ⚠ INVALID'}`;
  };
  const share = (t, base, target, asPct) => {
    if (!t || !base) return ['—', '—'];
    if (!t.valid || !base.valid || !(base.summary.requests.mean > 0)) return ['invalid', '—'];
    const x = t.summary.requests.mean / base.summary.requests.mean;
    const shown = asPct ? `${(100 * x).toFixed(0)} %` : `${x.toFixed(2)}×`;
    return [`${shown}${t.disturbed || base.disturbed ? ' ⚠ disturbed' : ''}`, x >= target ? 'yes' : '**no**'];
  };
  const loads = report.runs.map((r) => r.loadAverage?.[0]).filter((x) => typeof x === 'number');
  const lines = [];
  lines.push(`Last run: **${report.date}** · ${machine.cpuModel} · ${machine.cores} cores · ` +
    `${(machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB · Node ${machine.node} · ` +
    `oidc-provider ${machine.versions['oidc-provider']} · Fastify ${machine.versions.fastify} · ` +
    `${s.connections} connections, ${s.warmup} s warm-up + ${s.duration} s measured` +
    `${s.pin ? `, servers on core ${s.serverCpu}, load on core ${s.loadCpu}` : ', **not pinned**'}` +
    `${loads.length ? ` · load average (1 min) before the runs ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : ''}` +
    ` · raw: \`bench/results/${report.file}\``);
  lines.push('');
  lines.push('| Scenario | Database | ceiling req/s | oidc-provider req/s | Tessera req/s | Tessera / ceiling | Met | Tessera / oidc-provider | Met | Tessera p99 | Met |');
  lines.push('|---|---|---:|---:|---:|---:|:---:|---:|:---:|---:|:---:|');
  const tesseraRows = ['tessera', 'tessera-pg'];
  for (const alg of s.scenarios) {
    const o = byKey.get(`oidc-provider/${alg}`);
    const c = byKey.get(`ceiling/${alg}`);
    for (const name of tesseraRows) {
      const t = byKey.get(`${name}/${alg}`);
      if (!t && name !== 'tessera') continue;
      const [vsCeiling, metCeiling] = share(t, c, CEILING_TARGETS[alg], true);
      const [vsPeer, metPeer] = share(t, o, TARGETS[alg], false);
      const p99 = t?.valid ? t.summary.latency.p99 : null;
      lines.push(`| ${alg} client_credentials | ${DB_OF[name]} | ${cell(c)} | ${cell(o)} | ${cell(t)} | ${vsCeiling} (≥ ${100 * CEILING_TARGETS[alg]} %) | ${metCeiling} | ` +
        `${vsPeer} (≥ ${TARGETS[alg]}×) | ${metPeer} | ${p99 === null ? '—' : `${p99} ms`} (< ${P99_TARGET_MS} ms) | ${p99 === null ? '—' : p99 < P99_TARGET_MS ? 'yes' : '**no**'} |`);
    }
    const t = byKey.get(`tessera/${alg}`);
    const pkj = byKey.get(`tessera-pkj/${alg}`);
    const jwe = byKey.get(`tessera-jwe/${alg}`);
    if (jwe) {
      // Tessera only (the peers have no JWE access tokens): compared with Tessera's own JWS row.
      const vsJws = t && t.valid && jwe.valid && t.summary.requests.mean > 0 ? `${((100 * jwe.summary.requests.mean) / t.summary.requests.mean).toFixed(0)}% of the JWS row` : '—';
      lines.push(`| ${alg} client_credentials, JWE access token (RSA-OAEP-256 + A256GCM) | SQLite | — | — | ${cell(jwe)} | ${vsJws} | — | — | — | ${jwe.valid ? `${jwe.summary.latency.p99} ms` : '—'} | — |`);
    }
    if (pkj) {
      // Tessera only (the peers are set up with a secret): compared with Tessera's own secret row.
      const vsSecret = t && t.valid && pkj.valid && t.summary.requests.mean > 0 ? `${((100 * pkj.summary.requests.mean) / t.summary.requests.mean).toFixed(0)}% of the secret row` : '—';
      lines.push(`| ${alg} client_credentials, private_key_jwt (ES256 assertion) | SQLite | — | — | ${cell(pkj)} | ${vsSecret} | — | — | — | ${pkj.valid ? `${pkj.summary.latency.p99} ms` : '—'} | — |`);
    }
  }
  lines.push('');
  lines.push('Server CPU time per answered request (µs; the steadier figure on a shared machine) and Tessera as a share of the ceiling by it:');
  lines.push('');
  lines.push('| Scenario | ceiling | oidc-provider | Tessera (SQLite) | share | Tessera (PostgreSQL) | share |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  const us = (r) => (r?.cpuPerRequestUs ? `${r.cpuPerRequestUs}` : '—');
  const byCpu = (t, c) => (t?.cpuPerRequestUs && c?.cpuPerRequestUs ? `${((100 * c.cpuPerRequestUs) / t.cpuPerRequestUs).toFixed(0)} %` : '—');
  for (const alg of s.scenarios) {
    const c = byKey.get(`ceiling/${alg}`);
    lines.push(`| ${alg} | ${us(c)} | ${us(byKey.get(`oidc-provider/${alg}`))} | ${us(byKey.get(`tessera/${alg}`))} | ${byCpu(byKey.get(`tessera/${alg}`), c)} | ${us(byKey.get(`tessera-pg/${alg}`))} | ${byCpu(byKey.get(`tessera-pg/${alg}`), c)} |`);
  }
  lines.push('');
  lines.push('Latency (ms, p50 / p97.5 / p99):');
  lines.push('');
  lines.push('| Scenario | ceiling | oidc-provider | Tessera (SQLite) | Tessera (PostgreSQL) |');
  lines.push('|---|---:|---:|---:|---:|');
  const lat = (r) => (r ? `${r.summary.latency.p50} / ${r.summary.latency.p97_5} / ${r.summary.latency.p99}` : '—');
  for (const alg of s.scenarios) {
    lines.push(`| ${alg} | ${lat(byKey.get(`ceiling/${alg}`))} | ${lat(byKey.get(`oidc-provider/${alg}`))} | ${lat(byKey.get(`tessera/${alg}`))} | ${lat(byKey.get(`tessera-pg/${alg}`))} |`);
    if (byKey.get(`tessera-jwe/${alg}`)) lines.push(`| ${alg}, JWE access token | — | — | ${lat(byKey.get(`tessera-jwe/${alg}`))} | — |`);
    if (byKey.get(`tessera-pkj/${alg}`)) lines.push(`| ${alg}, private_key_jwt | — | — | ${lat(byKey.get(`tessera-pkj/${alg}`))} | — |`);
  }
  const notes = [];
  for (const r of report.runs) if (!r.valid) notes.push(`- ⚠ ${r.server} ${r.alg} is INVALID: ${r.problems.join(', ')}`);
  for (const r of report.runs) for (const w of r.warnings ?? []) notes.push(`- note: ${r.server} ${r.alg}: ${w}`);
  if (report.skipped.length) notes.push(...report.skipped.map((x) => `- ${x}`));
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n');
}

const DEFAULT_README = `# Benchmarks\n\n${MARK_START}\n${MARK_END}\n`;

function writeReadme(report) {
  let text = existsSync(README) ? readFileSync(README, 'utf8') : DEFAULT_README;
  const block = `${MARK_START}\n${tableMarkdown(report)}\n${MARK_END}`;
  const a = text.indexOf(MARK_START);
  const b = text.indexOf(MARK_END);
  if (a !== -1 && b > a) {
    text = text.slice(0, a) + block + text.slice(b + MARK_END.length);
  } else {
    text = `${text.trimEnd()}\n\n## Latest results\n\n${block}\n`;
  }
  writeFileSync(README, text);
}

// -------------------------------------------------------------------- main --
async function main() {
  const machine = machineInfo(); // before re-pinning ourselves (availableParallelism follows affinity)
  if (settings.pin) {
    const probe = spawnSync('taskset', ['-c', settings.serverCpu, 'true']);
    if (probe.error || probe.status !== 0) {
      fail(`taskset cannot pin to core ${settings.serverCpu} (${probe.error?.message ?? probe.stderr}); set BENCH_NO_PIN=1 to run unpinned`);
    }
    if (os.availableParallelism?.() < 2) log('warning: fewer than 2 CPUs available, server and load generator will share a core');
    // Keep the orchestrator (and its threads) off the server core as well.
    spawnSync('taskset', ['-a', '-cp', settings.loadCpu, String(process.pid)], { stdio: 'ignore' });
  }

  const tesseraRows = settings.databases.map((d) => (d === 'postgres' ? 'tessera-pg' : 'tessera'));
  const servers = settings.only === 'tessera' ? tesseraRows : settings.only ? [settings.only] : ['ceiling', 'oidc-provider', ...tesseraRows];
  const skipped = [];
  if (settings.only === 'oidc-provider') {
    const msg = 'Tessera skipped (BENCH_ONLY=oidc-provider)';
    log(msg);
    skipped.push(msg);
  } else if (settings.only === 'tessera') {
    skipped.push('oidc-provider and ceiling skipped (BENCH_ONLY=tessera)');
  } else if (settings.only === 'ceiling') {
    skipped.push('oidc-provider and Tessera skipped (BENCH_ONLY=ceiling)');
  }

  if (servers.some((x) => x.startsWith('tessera')) && !existsSync(TESSERA_CLI)) {
    fail(`Tessera is not built: ${TESSERA_CLI} is missing (run \`npm run build\`, or set BENCH_ONLY=oidc-provider to measure only the peer)`);
  }

  const started = new Date();
  const runs = [];
  for (const alg of settings.scenarios) {
    for (const server of servers) {
      runs.push(await measure(server, alg));
    }
    if (alg === 'RS256' && settings.jwe && servers.includes('tessera')) runs.push(await measure('tessera-jwe', alg));
    if (alg === 'ES256' && settings.pkj && servers.includes('tessera')) runs.push(await measure('tessera-pkj', alg));
  }

  const date = started.toISOString();
  const file = `${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}-token-client-credentials.json`;
  // ratios[alg] (SQLite, as before) and ratios[`${alg}/postgres`]: Tessera against the peer, Tessera as
  // a share of the ceiling, and its p99, each with its target.
  const ratios = {};
  for (const alg of settings.scenarios) {
    const o = runs.find((r) => r.server === 'oidc-provider' && r.alg === alg);
    const c = runs.find((r) => r.server === 'ceiling' && r.alg === alg);
    for (const name of tesseraRows) {
      const t = runs.find((r) => r.server === name && r.alg === alg);
      if (!t) continue;
      const entry = { database: name === 'tessera-pg' ? 'postgres' : 'sqlite' };
      if (o) {
        const ratio = t.summary.requests.mean / o.summary.requests.mean;
        Object.assign(entry, {
          ratio,
          target: TARGETS[alg],
          met: o.valid && t.valid && ratio >= TARGETS[alg],
          valid: o.valid && t.valid,
          disturbed: o.disturbed || t.disturbed,
        });
      }
      if (c) {
        const share = t.summary.requests.mean / c.summary.requests.mean;
        entry.ceiling = { share, target: CEILING_TARGETS[alg], met: c.valid && t.valid && share >= CEILING_TARGETS[alg], valid: c.valid && t.valid, disturbed: c.disturbed || t.disturbed };
        if (c.cpuPerRequestUs && t.cpuPerRequestUs) entry.ceiling.shareByCpuPerRequest = c.cpuPerRequestUs / t.cpuPerRequestUs;
      }
      entry.p99 = { ms: t.summary.latency.p99, targetMs: P99_TARGET_MS, met: t.valid && t.summary.latency.p99 < P99_TARGET_MS };
      ratios[name === 'tessera-pg' ? `${alg}/postgres` : alg] = entry;
    }
  }
  const report = {
    benchmark: 'POST /oauth/token grant_type=client_credentials',
    date,
    file,
    elapsedSeconds: (Date.now() - started.getTime()) / 1000,
    valid: runs.every((r) => r.valid),
    disturbed: runs.some((r) => r.disturbed),
    machine,
    settings: { ...settings },
    targets: { vsOidcProvider: TARGETS, shareOfCeiling: CEILING_TARGETS, p99Ms: P99_TARGET_MS },
    ratios,
    skipped,
    runs,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, file), `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${join(RESULTS_DIR, file)}`);
  if (settings.writeReadme) {
    writeReadme(report);
    log('updated bench/README.md');
  }
  console.log(`\n${tableMarkdown(report)}\n`);
  if (report.disturbed) {
    log('warning: some runs were disturbed by other load on the machine (see notes); re-run when it is idle');
  }
  if (!report.valid) {
    console.error('bench: some results are INVALID (failed requests during the run), see above');
    process.exitCode = 1;
  }
}

main().catch(async (err) => {
  console.error(`bench: FAILED: ${err?.stack ?? err}`);
  await Promise.all([...children].map((c) => stop(c)));
  process.exit(1);
});
