/**
 * Headless Chromium for the browser tests: Debian's `chromium` package (installed by
 * `scripts/ensure-chromium.sh`, which `npm test` runs first), driven by playwright-core, which never
 * downloads a browser of its own.
 *
 * TLS trust: the dev server's certificate comes from a throwaway CA made per test run. Rather than
 * `ignoreHTTPSErrors` (which turns verification off for every host), Chromium gets
 * `--ignore-certificate-errors-spki-list` with the SHA-256 hash of our leaf certificate's public key:
 * a chain ending in exactly that key is accepted, and every other certificate is still verified
 * normally. Chromium honours that flag only with an explicit `--user-data-dir`, which Playwright
 * always passes (a fresh temporary profile per launch, removed on close). The same certificate covers
 * `{tenant}.localhost` and `*.{tenant}.localhost`, so the test apps on `app.dev.localhost` are trusted
 * through the same hash. `*.localhost` resolves to loopback inside Chromium by itself.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The network is closed: nothing in the browser may phone home, and QUIC would only add noise. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox', // we run as root, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage', // containers often have a small /dev/shm
];

export interface LaunchOptions {
  /** PEM files (or PEM text) of server certificates to accept by public key; typically the dev certificate. */
  trustCertificates?: string[];
}

/**
 * Base64 of SHA-256 over the certificate's SubjectPublicKeyInfo (DER), the format Chromium's
 * `--ignore-certificate-errors-spki-list` expects. Only the first certificate of a PEM file is used
 * (the leaf).
 */
export function spkiHash(certPemOrFile: string): string {
  const pem = certPemOrFile.includes('-----BEGIN') ? certPemOrFile : readFileSync(certPemOrFile, 'utf8');
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/**
 * One Chromium per test worker process and trust list, launched on the first file that asks and kept
 * for the files after it (the workers run file after file: vitest.config.ts). Launching took 3–4 s
 * per file on a loaded machine; a browser context, which each test gets (`withPage`), takes tens of
 * milliseconds and shares no cookies, storage or cache with any other context. A browser that crashed
 * or was closed is launched again on the next call. The trust list is a launch flag, so each list the
 * suite uses (none, or one dev certificate per tenant list) has its own browser: a handful at most.
 * Playwright kills the browsers it launched, and removes their temporary profiles, when the worker
 * process exits (vitest ends its workers with SIGTERM, which vitest turns into `process.exit()`).
 */
const sharedBrowsers = new Map<string, Promise<Browser>>();

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run \`bash scripts/ensure-chromium.sh\` (npm test does it first)`);
  }
  const hashes = (options.trustCertificates ?? []).map(spkiHash);
  const key = hashes.join(',');
  for (let pending = sharedBrowsers.get(key); pending; pending = sharedBrowsers.get(key)) {
    const running = await pending.catch(() => undefined);
    if (running?.isConnected()) return running;
    // Crashed, closed or failed to start: forget it (unless another call already replaced it) and look again.
    if (sharedBrowsers.get(key) === pending) sharedBrowsers.delete(key);
  }
  // No await between the look-up and the set: two files' calls at once still launch one browser.
  const launching = startChromium(hashes);
  sharedBrowsers.set(key, launching);
  launching.then(
    (browser) => browser.on('disconnected', () => sharedBrowsers.get(key) === launching && sharedBrowsers.delete(key)),
    () => sharedBrowsers.get(key) === launching && sharedBrowsers.delete(key),
  );
  return launching;
}

function startChromium(hashes: string[]): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    chromiumSandbox: false,
    args: [...CHROMIUM_FLAGS, ...(hashes.length ? [`--ignore-certificate-errors-spki-list=${hashes.join(',')}`] : [])],
    // Debian's /usr/bin/chromium is a shell wrapper; give it a little more than the default to start.
    timeout: 60_000,
  });
}

/**
 * A file's end with the shared browser: closes every context still open in it (the file's own, as a
 * worker runs one file at a time), so nothing a file did outlives it, and keeps the browser for the
 * next file. Safe to call twice, or with no browser.
 */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser?.isConnected()) return;
  await Promise.all(browser.contexts().map((context) => context.close().catch(() => undefined)));
}

let screenshotDir: string | undefined;

/** Where screenshots go: `TESSERA_SCREENSHOT_DIR` if set, else one temporary directory per test worker process. */
export function screenshotDirectory(): string {
  screenshotDir ??= process.env.TESSERA_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'tessera-screenshots-'));
  return screenshotDir;
}

/** Takes a full-page screenshot into the screenshot directory and returns its path. */
export async function takeScreenshot(page: Page, label: string): Promise<string> {
  const file = join(screenshotDirectory(), `${label.replace(/[^\w.-]+/g, '_').slice(0, 80)}-${Date.now()}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs `fn` with a page in a fresh browser context (its own cookies and storage). If `fn` throws,
 * a screenshot of the page is saved first and its path and the page URL are added to the error;
 * the context is closed either way.
 */
export async function withPage<T>(
  browser: Browser,
  label: string,
  fn: (page: Page, context: BrowserContext) => Promise<T>,
  contextOptions: BrowserContextOptions = {},
): Promise<T> {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  try {
    return await fn(page, context);
  } catch (error) {
    const where = await takeScreenshot(page, label).then(
      (file) => `screenshot of ${page.url()} saved to ${file}`,
      (e: Error) => `no screenshot (${e.message})`,
    );
    if (error instanceof Error) error.message += `\n[browser] ${label}: ${where}`;
    throw error;
  } finally {
    await context.close().catch(() => undefined);
  }
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Logs in on Tessera's hosted login page the way a person does: waits for `/u/login`, fills
 * `username` and `password`, clicks the submit button, and waits for the browser to leave the page.
 */
export async function submitHostedLogin(page: Page, credentials: Credentials): Promise<void> {
  await page.waitForURL(/\/u\/login\?/);
  await page.fill('input[name=username]', credentials.username);
  await page.fill('input[name=password]', credentials.password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/u/login'), page.click('button[type=submit]')]);
}
