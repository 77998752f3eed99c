#!/usr/bin/env node
// A/B of two Tessera builds on the token endpoint (issue 19: "measure each change A/B in one run"):
// bench/run.mjs is run for Tessera alone, alternately with build A and build B, same pinned core, same
// settings, for BENCH_AB_ROUNDS rounds (default 3) per scenario, so that a shared machine's changes of
// speed weigh on both alike. Prints and writes (bench/results/<date>-ab-<label>.json) each round's
// req/s and p99 and the medians, with B's change against A.
//
//   cp -r dist bench/tmp/ab-base          # build A (bench/tmp/ is ignored; node_modules resolves from there)
//   … change, npx tsc -p tsconfig.build.json   # build B = dist/
//   BENCH_AB_LABEL=statement-cache node bench/ab.mjs
//
// Env: BENCH_AB_A (default bench/tmp/ab-base/cli/index.js), BENCH_AB_B (default dist/cli/index.js),
// BENCH_AB_ROUNDS, BENCH_AB_LABEL, BENCH_AB_ENV_A / BENCH_AB_ENV_B (JSON environment for each side:
// an env switch instead of two builds), and bench/run.mjs's own settings (BENCH_SCENARIOS,
// BENCH_DATABASES, BENCH_DURATION — default 5 here —, BENCH_WARMUP — default 2 —, …).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH_DIR, '..');
const A = process.env.BENCH_AB_A || 'bench/tmp/ab-base/cli/index.js';
const B = process.env.BENCH_AB_B || 'dist/cli/index.js';
const rounds = Number(process.env.BENCH_AB_ROUNDS || 3);
const label = process.env.BENCH_AB_LABEL || 'ab';
const scenarios = (process.env.BENCH_SCENARIOS || 'ES256,RS256').split(',');
const databases = (process.env.BENCH_DATABASES || 'sqlite').split(',');
const envOf = (name) => (process.env[name] ? JSON.parse(process.env[name]) : {});
const sides = { A: { cli: A, env: envOf('BENCH_AB_ENV_A') }, B: { cli: B, env: envOf('BENCH_AB_ENV_B') } };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const tmp = mkdtempSync(join(os.tmpdir(), 'tessera-ab-'));
const rows = [];
const started = new Date();
for (let round = 1; round <= rounds; round++) {
  // A first in odd rounds, B first in even ones: neither side always runs right after a quiet spell.
  for (const side of round % 2 ? ['A', 'B'] : ['B', 'A']) {
    const out = join(tmp, `${round}-${side}`);
    mkdirSync(out);
    const loadAverage = os.loadavg()[0];
    const r = spawnSync(process.execPath, [join(BENCH_DIR, 'run.mjs')], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        BENCH_ONLY: 'tessera',
        BENCH_TESSERA_CLI: sides[side].cli,
        BENCH_TESSERA_ENV: JSON.stringify(sides[side].env),
        BENCH_SCENARIOS: scenarios.join(','),
        BENCH_DATABASES: databases.join(','),
        BENCH_DURATION: process.env.BENCH_DURATION || '5',
        BENCH_WARMUP: process.env.BENCH_WARMUP || '2',
        BENCH_PKJ: '0',
        BENCH_JWE: '0',
        BENCH_WRITE_README: '0',
        BENCH_QUIET_WAIT: process.env.BENCH_QUIET_WAIT || '5',
        BENCH_RESULTS_DIR: out,
      },
    });
    if (r.status !== 0) console.error(`ab: round ${round} side ${side} failed (exit ${r.status}); its rows are kept only if valid`);
    for (const file of readdirSync(out)) {
      const report = JSON.parse(readFileSync(join(out, file), 'utf8'));
      for (const run of report.runs) {
        rows.push({ round, side, server: run.server, alg: run.alg, valid: run.valid, disturbed: run.disturbed, loadAverage, reqPerSec: run.summary.requests.mean, p50: run.summary.latency.p50, p99: run.summary.latency.p99, serverProcessPct: run.cpu?.serverCore.serverProcessPct ?? null, cpuPerRequestUs: run.cpuPerRequestUs ?? null });
      }
    }
  }
}
rmSync(tmp, { recursive: true, force: true });

const summary = [];
for (const alg of scenarios) for (const server of [...new Set(rows.map((r) => r.server))]) {
  const of = (side) => rows.filter((r) => r.alg === alg && r.server === server && r.side === side && r.valid);
  const a = of('A');
  const b = of('B');
  if (!a.length || !b.length) continue;
  // Server CPU time per answered request: less sensitive to a neighbour taking part of the core, or
  // to a starved load generator, than req/s.
  const side = (xs) => ({ reqPerSec: xs.map((r) => Math.round(r.reqPerSec)), median: Math.round(median(xs.map((r) => r.reqPerSec))), cpuPerRequestUs: xs.map((r) => r.cpuPerRequestUs), medianCpuPerRequestUs: median(xs.filter((r) => r.cpuPerRequestUs).map((r) => r.cpuPerRequestUs)), p99: xs.map((r) => r.p99) });
  const entry = { alg, server, A: side(a), B: side(b) };
  entry.change = entry.B.median / entry.A.median - 1;
  entry.cpuPerRequestChange = entry.B.medianCpuPerRequestUs / entry.A.medianCpuPerRequestUs - 1;
  summary.push(entry);
}
const date = started.toISOString();
const file = `${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}-ab-${label}.json`;
writeFileSync(join(BENCH_DIR, 'results', file), `${JSON.stringify({ benchmark: 'A/B, POST /oauth/token client_credentials, Tessera alone', label, date, sides, rounds, summary, rows }, null, 2)}\n`);
console.log(`\nA/B ${label} (${rounds} rounds, alternating; raw: bench/results/${file})`);
for (const e of summary) {
  const pct = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
  console.log(`${e.alg} ${e.server}: req/s A ${e.A.reqPerSec.join(', ')} (median ${e.A.median}) · B ${e.B.reqPerSec.join(', ')} (median ${e.B.median}) · B vs A ${pct(e.change)}; ` +
    `CPU µs/request A ${e.A.cpuPerRequestUs.join(', ')} (median ${e.A.medianCpuPerRequestUs}) · B ${e.B.cpuPerRequestUs.join(', ')} (median ${e.B.medianCpuPerRequestUs}) · B vs A ${pct(e.cpuPerRequestChange)}; p99 A ${e.A.p99.join('/')} B ${e.B.p99.join('/')} ms`);
}
