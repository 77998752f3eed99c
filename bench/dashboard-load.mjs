#!/usr/bin/env node
/**
 * Cold-load cost of the built dashboard (dist/dashboard): bytes on the wire and request count, read
 * from the Chrome DevTools Protocol (Network domain) in Debian's Chromium driven by playwright-core.
 *
 * The build is served as the server serves it (dist/server/dashboard-assets.js on a bare Fastify,
 * plain HTTP on 127.0.0.1), with no control API behind it, so the app loads, calls GET /me, and
 * renders its error state: the measured load is everything up to the first screen. Each run uses a
 * fresh browser context with the HTTP cache disabled (cold); one more navigation in a context with
 * the cache on shows the warm reload (hashed assets are immutable, so they come from the cache).
 *
 * Usage: npm run build && node bench/dashboard-load.mjs   (DASHBOARD_LOAD_RUNS, default 5)
 * Writes bench/results/<date>-dashboard-load.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist/dashboard');
const RUNS = Number(process.env.DASHBOARD_LOAD_RUNS ?? 5);
const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(join(DIST, 'index.html')) || !existsSync(join(ROOT, 'dist/server/dashboard-assets.js'))) {
  console.error('dist/dashboard or dist/server is missing: run `npm run build` first.');
  process.exit(1);
}
const { registerDashboardAssets } = await import(pathToFileURL(join(ROOT, 'dist/server/dashboard-assets.js')).href);

const app = Fastify();
await registerDashboardAssets(app, { distDir: DIST, isDashboardRequest: () => true });
await app.listen({ port: 0, host: '127.0.0.1' });
const origin = `http://127.0.0.1:${app.server.address().port}`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  chromiumSandbox: false,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  timeout: 60_000,
});

/** One navigation to `/`, until the first screen (the error state without a control API). */
async function load(context, { cache }) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  const requests = new Map();
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => requests.set(requestId, { url: request.url, bytes: 0, fromCache: false, status: 0 }));
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const entry = requests.get(requestId);
    if (entry) Object.assign(entry, { status: response.status, fromCache: Boolean(response.fromDiskCache || response.fromMemoryCache), encoding: response.headers['content-encoding'] ?? response.headers['Content-Encoding'] });
  });
  cdp.on('Network.requestServedFromCache', ({ requestId }) => {
    const entry = requests.get(requestId);
    if (entry) entry.fromCache = true;
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    const entry = requests.get(requestId);
    if (entry) entry.bytes = encodedDataLength;
  });
  const started = performance.now();
  await page.goto(`${origin}/`, { waitUntil: 'load' });
  await page.getByTestId('query-error').waitFor({ timeout: 30_000 });
  const firstScreenMs = performance.now() - started;
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { domContentLoadedMs: nav.domContentLoadedEventEnd, loadMs: nav.loadEventEnd };
  });
  await page.waitForTimeout(200); // late loadingFinished events
  await page.close();
  const list = [...requests.values()];
  const app = list.filter((r) => !r.url.includes('/api/'));
  const api = list.filter((r) => r.url.includes('/api/'));
  const sum = (rs) => rs.reduce((n, r) => n + r.bytes, 0);
  return {
    requests: list.length,
    appRequests: app.length,
    apiRequests: api.length,
    bytes: sum(list),
    appBytes: sum(app),
    fromCache: list.filter((r) => r.fromCache).length,
    firstScreenMs: Math.round(firstScreenMs),
    domContentLoadedMs: Math.round(timing.domContentLoadedMs),
    loadMs: Math.round(timing.loadMs),
    files: app.map((r) => ({ path: new URL(r.url).pathname, bytes: r.bytes, status: r.status, encoding: r.encoding ?? null, fromCache: r.fromCache })),
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

try {
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ colorScheme: 'light' });
    cold.push(await load(context, { cache: false }));
    await context.close();
  }
  const warmContext = await browser.newContext({ colorScheme: 'light' });
  await load(warmContext, { cache: true });
  const warm = await load(warmContext, { cache: true });
  await warmContext.close();

  const report = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model.split(' ').slice(0, 2).join(' '), cores: cpus().length, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, chromium: browser.version() },
    settings: { runs: RUNS, transport: 'http://127.0.0.1 (no TLS), no control API (the app stops at its error state)' },
    cold: {
      requests: median(cold.map((r) => r.requests)),
      appRequests: median(cold.map((r) => r.appRequests)),
      apiRequests: median(cold.map((r) => r.apiRequests)),
      bytes: median(cold.map((r) => r.bytes)),
      appBytes: median(cold.map((r) => r.appBytes)),
      firstScreenMsMedian: median(cold.map((r) => r.firstScreenMs)),
      domContentLoadedMsMedian: median(cold.map((r) => r.domContentLoadedMs)),
      files: cold[0].files,
    },
    warm: { requests: warm.requests, bytes: warm.bytes, fromCache: warm.fromCache, firstScreenMs: warm.firstScreenMs },
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', `${report.date.replace(/[:.]/g, '-').slice(0, 19)}Z-dashboard-load.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`cold: ${report.cold.requests} requests (${report.cold.appRequests} app + ${report.cold.apiRequests} API), ${(report.cold.bytes / 1024).toFixed(1)} KiB on the wire (app ${(report.cold.appBytes / 1024).toFixed(1)} KiB), first screen ${report.cold.firstScreenMsMedian} ms (median of ${RUNS})`);
  for (const f of report.cold.files) console.log(`  ${f.path}  ${(f.bytes / 1024).toFixed(1)} KiB  ${f.encoding ?? 'identity'}`);
  console.log(`warm reload: ${warm.requests} requests, ${warm.fromCache} from cache, ${(warm.bytes / 1024).toFixed(1)} KiB on the wire, first screen ${warm.firstScreenMs} ms`);
  console.log(`wrote ${file}`);
} finally {
  await browser.close();
  await app.close();
}
