#!/usr/bin/env node
// Login benchmark: complete authorization-code logins per second (authorize → hosted login form →
// code → token exchange, bcrypt cost 10), against the bcrypt ceiling of the same single core.
// Then, with each browser signed in once (SSO session cookie), code flows without a password:
// plain authorize → code → token, and the same through a Pushed Authorization Request (push →
// authorize with request_uri → code → token), so that PAR's overhead shows (issue 17).
// Server on core 0, load on core 1. See bench/README.md ("Login").
//
// Env: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3), BENCH_BROWSERS (concurrent
// login loops, default 16), BENCH_PAR=0 to skip the SSO/PAR code flows, BENCH_WRITE_README=0 to
// leave bench/README.md alone.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli/index.js');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const BROWSERS = Number(process.env.BENCH_BROWSERS ?? 16);
const PAR = process.env.BENCH_PAR !== '0';
const SLICE = 1; // s: plain and PAR code flows are measured in alternating slices this long
const CALLBACK = 'https://app.bench.example/callback';
const PASSWORD = 'Xk9#mTq2!vLp-bench';
const MARK_START = '<!-- bench:login:start -->';
const MARK_END = '<!-- bench:login:end -->';

const agent = new http.Agent({ keepAlive: true, maxSockets: BROWSERS * 2 });

function request(port, { method = 'GET', path, headers = {}, body }) {
  return new Promise((resolveResponse, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { host: `localhost:${port}`, ...headers } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolveResponse({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const form = () => ({ 'content-type': 'application/x-www-form-urlencoded' });

async function startServer(dir, port) {
  const child = spawn('taskset', ['-c', '0', process.execPath, CLI, 'start'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dir}/t.db`, TESSERA_DATA_DIR: dir, LOG_LEVEL: 'warn', NODE_ENV: 'production', RATE_LIMIT_IP_PER_MINUTE: '1000000000', RATE_LIMIT_CLIENT_PER_MINUTE: '1000000000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((ok, fail) => {
    child.stdout.on('data', (d) => String(d).includes('Tessera listening') && ok());
    child.once('exit', (code) => fail(new Error(`server exited ${code}`)));
  });
  return child;
}

async function setUp(port, dir) {
  const boot = JSON.parse(readFileSync(join(dir, 'bootstrap-dev.json'), 'utf8'));
  const token = JSON.parse(
    (await request(port, { method: 'POST', path: '/oauth/token', headers: form(), body: new URLSearchParams({ grant_type: 'client_credentials', client_id: boot.client_id, client_secret: boot.client_secret, audience: `http://localhost:${port}/api/v2/` }).toString() })).body,
  ).access_token;
  const api = (path, body, method = 'POST') => request(port, { method, path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => JSON.parse(r.body));
  if (PAR) await api('/api/v2/tenants/settings', { pushed_authorization_requests_supported: true }, 'PATCH');
  const client = await api('/api/v2/clients', { name: 'bench web', app_type: 'regular_web', callbacks: [CALLBACK] });
  // One account per browser, as real traffic is: brute-force protection allows no more than
  // max_attempts (10) logins of one account from one address in flight at once.
  for (let i = 0; i < BROWSERS; i++) await api('/api/v2/users', { connection: 'Username-Password-Authentication', email: benchUser(i), password: PASSWORD });
  return client;
}

const benchUser = (i) => `bench-${i}@example.com`;

/** The browser's part of a password login (authorize → login form → posted password); returns the code and the SSO session cookie. */
async function signIn(port, client, scope, username) {
  const authorize = await request(port, { path: `/authorize?${new URLSearchParams({ client_id: client.client_id, redirect_uri: CALLBACK, response_type: 'code', scope, state: 'b' })}` });
  const loginPath = authorize.headers.location;
  const txCookie = authorize.headers['set-cookie'][0].split(';')[0];
  const page = await request(port, { path: loginPath, headers: { cookie: txCookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)[1];
  const state = new URL(loginPath, 'http://x').searchParams.get('state');
  const posted = await request(port, { method: 'POST', path: '/u/login', headers: { ...form(), cookie: txCookie }, body: new URLSearchParams({ state, _csrf: csrf, username, password: PASSWORD }).toString() });
  const code = new URL(posted.headers.location).searchParams.get('code');
  const sessionCookie = (posted.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('tessera_session='));
  return { code, sessionCookie };
}

/** The back-channel code exchange (with the PKCE verifier when the flow had a challenge); returns the token response. */
async function exchange(port, client, code, verifier) {
  const body = { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: client.client_id, client_secret: client.client_secret, ...(verifier && { code_verifier: verifier }) };
  const exchanged = await request(port, { method: 'POST', path: '/oauth/token', headers: form(), body: new URLSearchParams(body).toString() });
  if (exchanged.status !== 200) throw new Error(`exchange failed: ${exchanged.status} ${exchanged.body}`);
  return JSON.parse(exchanged.body);
}

/** One full login as a browser would do it, then the back-channel code exchange; returns the token response. */
async function login(port, client, scope = 'openid profile', username = benchUser(0)) {
  const { code } = await signIn(port, client, scope, username);
  return exchange(port, client, code);
}

/** A fresh PKCE pair per flow, as a real application makes one. */
function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The code from /authorize's answer: a 302 straight to the callback (SSO, no login page), with the state sent. */
function codeFrom(authorized, state) {
  const location = authorized.headers.location ?? '';
  if (authorized.status !== 302 || !location.startsWith(`${CALLBACK}?`)) throw new Error(`authorize did not return to the callback: ${authorized.status} ${location}`);
  const params = new URL(location).searchParams;
  if (params.get('state') !== state || !params.get('code')) throw new Error(`bad callback: ${location}`);
  return params.get('code');
}

/** Code flow with PKCE in a signed-in browser: authorize (parameters in the query) → code → token. */
async function ssoFlow(port, client, sessionCookie) {
  const { verifier, challenge } = pkce();
  const query = { client_id: client.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid profile', state: 'sso', code_challenge: challenge, code_challenge_method: 'S256' };
  const authorized = await request(port, { path: `/authorize?${new URLSearchParams(query)}`, headers: { cookie: sessionCookie } });
  return exchange(port, client, codeFrom(authorized, 'sso'), verifier);
}

/** The same flow through a Pushed Authorization Request: push (client-authenticated) → authorize with request_uri → code → token. */
async function parFlow(port, client, sessionCookie) {
  const { verifier, challenge } = pkce();
  const pushBody = { client_id: client.client_id, client_secret: client.client_secret, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid profile', state: 'par', code_challenge: challenge, code_challenge_method: 'S256' };
  const pushed = await request(port, { method: 'POST', path: '/oauth/par', headers: form(), body: new URLSearchParams(pushBody).toString() });
  if (pushed.status !== 201) throw new Error(`push failed: ${pushed.status} ${pushed.body}`);
  const { request_uri: requestUri } = JSON.parse(pushed.body);
  const authorized = await request(port, { path: `/authorize?${new URLSearchParams({ client_id: client.client_id, request_uri: requestUri })}`, headers: { cookie: sessionCookie } });
  return exchange(port, client, codeFrom(authorized, 'par'), verifier);
}

/** refresh_token grant throughput (non-rotating token: each call mints an ID token and an access token). */
async function refreshThroughput(port, client, seconds) {
  const { refresh_token: refreshToken } = await login(port, client, 'openid profile offline_access');
  if (!refreshToken) throw new Error('no refresh token issued');
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/oauth/token`,
    method: 'POST',
    headers: { host: `localhost:${port}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.client_id, client_secret: client.client_secret, refresh_token: refreshToken }).toString(),
    connections: 50,
    duration: seconds,
  });
  return { perSecond: result.requests.average, non2xx: result.non2xx, errors: result.errors, latencyP99: result.latency.p99 };
}

/** BROWSERS concurrent loops of flow(i) for the given time: the latency of each complete flow (ms), errors, and the time the loops took to stop (s). */
async function measure(seconds, flow) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const began = performance.now();
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: BROWSERS }, async (_, i) => {
      while (Date.now() < end) {
        const started = performance.now();
        try {
          await flow(i);
          latencies.push(performance.now() - started);
        } catch (error) {
          errors++;
          firstError ??= String(error);
        }
      }
    }),
  );
  return { latencies, errors, firstError, elapsed: (performance.now() - began) / 1000 };
}

/** Flows per second (over `seconds`) and the p50/p99 of one flow, from one or more measurements. */
function summarize(samples, seconds) {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const errors = samples.reduce((n, s) => n + s.errors, 0);
  const firstError = samples.find((s) => s.firstError)?.firstError;
  const percentile = (p) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]) : null);
  return { perSecond: latencies.length / seconds, done: latencies.length, errors, ...(firstError && { firstError }), latencyP50: percentile(50), latencyP99: percentile(99) };
}

async function runLoops(seconds, flow) {
  return summarize([await measure(seconds, flow)], seconds);
}

const runLogins = (port, client, seconds) => runLoops(seconds, (i) => login(port, client, 'openid profile', benchUser(i)));

/**
 * Plain and PAR flows in alternating slices of SLICE seconds (DURATION seconds of each in all), so that
 * a change of the machine's speed during the run (it is shared) weighs on both alike; flows per second
 * are over the time the slices really took, in-flight flows at each slice's end included.
 */
async function alternate(seconds, plain, pushed) {
  const slices = { plain: [], pushed: [] };
  for (let left = seconds; left > 0; left -= SLICE) {
    slices.plain.push(await measure(Math.min(SLICE, left), plain));
    slices.pushed.push(await measure(Math.min(SLICE, left), pushed));
  }
  const elapsed = (samples) => samples.reduce((t, s) => t + s.elapsed, 0);
  return { plain: summarize(slices.plain, elapsed(slices.plain)), pushed: summarize(slices.pushed, elapsed(slices.pushed)) };
}

/** Signs every browser in once (outside the measured window), then measures the plain SSO code flow against the PAR one, after a warm-up of both. */
async function ssoAndPar(port, client) {
  const sessions = [];
  for (let i = 0; i < BROWSERS; i++) {
    const { sessionCookie } = await signIn(port, client, 'openid profile', benchUser(i));
    if (!sessionCookie) throw new Error('no tessera_session cookie after login');
    sessions.push(sessionCookie);
  }
  await ssoFlow(port, client, sessions[0]); // pre-checks: one flow of each kind must work
  await parFlow(port, client, sessions[0]);
  const plain = (i) => ssoFlow(port, client, sessions[i]);
  const pushed = (i) => parFlow(port, client, sessions[i]);
  await alternate(WARMUP, plain, pushed);
  const { plain: sso, pushed: par } = await alternate(DURATION, plain, pushed);
  return { sso, par };
}

/** bcrypt cost-10 verifications per second on core 0 alone: the ceiling for password logins there. */
function bcryptCeiling(seconds) {
  const script = `
    import { hashSync, verifySync } from '@node-rs/bcrypt';
    const hash = hashSync('x', { cost: 10 }); let n = 0; const end = Date.now() + ${seconds * 1000};
    while (Date.now() < end) { verifySync('x', hash); n++; }
    console.log(n / ${seconds});`;
  const out = spawnSync('taskset', ['-c', '0', process.execPath, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return Number(out.stdout.trim());
}

async function main() {
  spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const dir = mkdtempSync(join(os.tmpdir(), 'tessera-bench-login-'));
  const port = 4700 + Math.floor(Math.random() * 200);
  const server = await startServer(dir, port);
  try {
    const client = await setUp(port, dir);
    await login(port, client); // pre-check: one full login must work
    await runLogins(port, client, WARMUP);
    const result = await runLogins(port, client, DURATION);
    const refresh = await refreshThroughput(port, client, DURATION);
    const codeFlows = PAR ? await ssoAndPar(port, client) : null;
    server.kill('SIGKILL');
    const ceiling = bcryptCeiling(5);
    const report = {
      date: new Date().toISOString(),
      machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version },
      settings: { duration: DURATION, warmup: WARMUP, browsers: BROWSERS, ...(PAR && { codeFlowSlice: SLICE }) },
      logins: result,
      refresh,
      sso: codeFlows?.sso ?? null,
      par: codeFlows?.par ?? null,
      bcryptVerifiesPerSecond: ceiling,
      efficiency: result.perSecond / ceiling,
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', `${report.date.replace(/[:.]/g, '-').slice(0, 19)}Z-login.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    console.log(`logins: ${result.perSecond.toFixed(1)}/s (${result.errors} errors); bcrypt ceiling ${ceiling.toFixed(1)}/s; ${(100 * report.efficiency).toFixed(0)}% of it; refresh_token grant: ${refresh.perSecond.toFixed(0)} req/s (${refresh.non2xx} non-2xx)`);
    if (codeFlows) {
      const { sso, par } = codeFlows;
      console.log(`SSO code flow: ${sso.perSecond.toFixed(1)}/s p50 ${sso.latencyP50} ms p99 ${sso.latencyP99} ms (${sso.errors} errors); PAR code flow: ${par.perSecond.toFixed(1)}/s p50 ${par.latencyP50} ms p99 ${par.latencyP99} ms (${par.errors} errors)`);
      for (const error of [sso.firstError, par.firstError].filter(Boolean)) console.error(error);
    }
    if (process.env.BENCH_WRITE_README !== '0') writeReadme(report, file);
    const codeFlowErrors = codeFlows ? codeFlows.sso.errors + codeFlows.par.errors : 0;
    if (result.errors > 0 || refresh.non2xx > 0 || refresh.errors > 0 || codeFlowErrors > 0) process.exitCode = 1;
  } finally {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Table rows for the signed-in code flows, PAR against plain (same run, same browsers). */
function codeFlowRows(sso, par) {
  const flow = (r) => `${r.perSecond.toFixed(1)} flows/s (p50 ${r.latencyP50} ms, p99 ${r.latencyP99} ms${r.errors ? `, ${r.errors} errors` : ''})`;
  const change = (a, b) => `${b >= a ? '+' : '−'}${Math.abs((100 * (b - a)) / a).toFixed(0)} %`;
  return [
    `| code flow with PKCE, signed-in browser (authorize with SSO → code → token) | ${flow(sso)} |`,
    `| same through PAR (push → authorize with request_uri → code → token) | ${flow(par)} |`,
    `| PAR against plain: throughput / p50 | ${change(sso.perSecond, par.perSecond)} / ${change(sso.latencyP50, par.latencyP50)} |`,
  ];
}

function writeReadme(report, file) {
  const readmePath = join(ROOT, 'bench/README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const table = [
    MARK_START,
    `Last run: **${report.date}** · ${report.machine.cpu} · ${report.machine.cores} cores · Node ${report.machine.node} · ${report.settings.browsers} concurrent browsers, ${report.settings.warmup} s warm-up + ${report.settings.duration} s measured · raw: \`${file.slice(ROOT.length + 1)}\``,
    '',
    '| Measure | Result |',
    '|---|---:|',
    `| complete logins (authorize → login form → code → token), server on one core | ${report.logins.perSecond.toFixed(1)} /s |`,
    `| bcrypt cost-10 verifications alone on that core | ${report.bcryptVerifiesPerSecond.toFixed(1)} /s |`,
    `| logins as a share of the bcrypt ceiling | ${(100 * report.efficiency).toFixed(0)} % |`,
    `| refresh_token grant (non-rotating; ID token + opaque access token), 50 connections | ${report.refresh.perSecond.toFixed(0)} req/s (p99 ${report.refresh.latencyP99} ms) |`,
    ...(report.sso && report.par ? codeFlowRows(report.sso, report.par) : []),
    MARK_END,
  ].join('\n');
  const section = readme.includes(MARK_START)
    ? readme.replace(new RegExp(`${MARK_START}[\\s\\S]*${MARK_END}`), table)
    : `${readme.trimEnd()}\n\n## Login: authorization code with the hosted login page\n\nEach login is four requests (GET /authorize, GET /u/login, POST /u/login with a bcrypt cost-10 password check, POST /oauth/token) made by \`bench/login.mjs\` from core 1 against a server pinned to core 0. The ceiling is bcrypt alone on core 0: a password login cannot be faster than its hash check.\n\n${table}\n`;
  writeFileSync(readmePath, section);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
