/**
 * Helpers for the dashboard's browser tests (test/browser/dashboard-*.test.ts).
 * - `ensureDashboardBuild()`: dist/dashboard as `npm run build` makes it (built here if missing).
 * - `serveDashboard()`: a bare Fastify serving that build through src/server/dashboard-assets.ts on a
 *   random loopback port (every request counts as a dashboard request).
 * - `shoot(page, name)`: with TEST_SCREENSHOTS=1, a screenshot in
 *   test-artifacts/screenshots/{light,dark}/{name}.png, by the page's current color scheme (gitignored;
 *   a few are copied by hand into docs/screenshots/). Without it, only the page's running animations
 *   are finished, as the screenshot would have.
 * - `watchPage(page)`: console errors, uncaught exceptions and CSP violations, for a test to assert none.
 * - `expectAxeClean(page, screen)`: no serious or critical axe violation on the page as it is.
 * - `setScheme(page, scheme)`: the dashboard's theme through the header toggle, waited for.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import axe, { type AxeResults, type RunOptions } from 'axe-core';
import { expect } from 'vitest';
import { registerDashboardAssets } from '../../src/server/dashboard-assets.js';

export const DASHBOARD_DIST = resolve('dist/dashboard');
/**
 * The time limit of one walk-through test (a whole screen group, dozens of clicks and several axe
 * runs). It is no speed assertion: two Chromium files, their servers and the PostgreSQL project share
 * two cores, and a walk-through that takes 40 s on a quiet machine took over 60 s on a busy one. A
 * test that hangs still fails.
 */
export const WALKTHROUGH_TIMEOUT = 150_000;
export const SCREENSHOT_ROOT = resolve('test-artifacts/screenshots');

export async function ensureDashboardBuild(): Promise<void> {
  if (existsSync(join(DASHBOARD_DIST, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: resolve('dashboard/vite.config.ts'), logLevel: 'warn' });
}

export interface DashboardServer {
  app: FastifyInstance;
  origin: string;
  close(): Promise<void>;
}

export async function serveDashboard(options: { connectSources?: string[] } = {}): Promise<DashboardServer> {
  const app = Fastify();
  await registerDashboardAssets(app, { distDir: DASHBOARD_DIST, isDashboardRequest: () => true, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, origin: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * Screenshots are for people (the README's images, a look at every screen in both themes), not for
 * the assertions, and cost about 0.85 s each on a loaded machine, 85 per run: they are taken only with
 * TEST_SCREENSHOTS=1. A failing browser step still saves one of its page either way (`withPage`).
 */
export const SCREENSHOTS = process.env.TEST_SCREENSHOTS === '1';

/**
 * A screenshot of the page as it is (TEST_SCREENSHOTS=1); returns its path, or undefined when
 * screenshots are off. Either way the page's finite animations (a dialog opening, a theme's
 * transitions) are brought to their end first, as `animations: 'disabled'` does for the picture, so the
 * steps after it (axe above all) see the same settled page whether or not a picture was taken.
 */
export async function shoot(page: Page, name: string): Promise<string | undefined> {
  if (!SCREENSHOTS) {
    await finishAnimations(page);
    return undefined;
  }
  const scheme = (await page.locator('html').getAttribute('data-mantine-color-scheme')) === 'dark' ? 'dark' : 'light';
  const dir = join(SCREENSHOT_ROOT, scheme);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/** Fast-forwards every running animation and transition that ends (infinite ones, a spinner, run on). */
async function finishAnimations(page: Page): Promise<void> {
  await page.evaluate(() => {
    // Runs in the page (the test's compilation has no DOM types, hence the local shape).
    type Running = { effect: { getComputedTiming(): { endTime?: number | string } } | null; finish(): void };
    const doc = (globalThis as unknown as { document: { getAnimations(): Running[] } }).document;
    for (const animation of doc.getAnimations()) {
      const end = animation.effect?.getComputedTiming().endTime;
      if (typeof end !== 'number' || !Number.isFinite(end)) continue;
      try {
        animation.finish();
      } catch {
        // A paused animation with a playback rate of 0 cannot be finished; it is not moving either.
      }
    }
  });
}

export interface PageProblems {
  /** Console errors other than the allowed failed-resource lines. */
  consoleErrors: string[];
  pageErrors: string[];
  cspViolations: string[];
}

/**
 * Records what went wrong on the page. `allowFailedResource(url)` says which failed HTTP answers are
 * expected (Chromium logs each as a console error "Failed to load resource").
 */
export async function watchPage(page: Page, allowFailedResource: (url: string) => boolean = () => false): Promise<PageProblems> {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], cspViolations: [] };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (/Content Security Policy/i.test(text)) problems.cspViolations.push(text);
    else if (text.startsWith('Failed to load resource') && allowFailedResource(message.location().url)) return;
    else problems.consoleErrors.push(`${text} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  // CSP violations also fire an event in the page; the init script is added by the debugger
  // protocol, which the page's CSP does not govern.
  await page.exposeFunction('__tesseraCspViolation', (text: string) => problems.cspViolations.push(text));
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      window.__tesseraCspViolation(event.violatedDirective + ' blocked ' + event.blockedURI);
    });`,
  });
  return problems;
}

/**
 * No serious or critical axe violation on the page as it is. In the dark scheme only colour contrast
 * is checked: the theme changes colours and nothing else, and every other rule has already run on
 * the same screen in light (a full axe run costs about 1.5 s of CPU; the suite makes over a hundred).
 */
export async function expectAxeClean(page: Page, screen: string): Promise<void> {
  const dark = (await page.locator('html').getAttribute('data-mantine-color-scheme')) === 'dark';
  const options: RunOptions = dark ? { runOnly: { type: 'rule', values: ['color-contrast'] } } : {};
  const results = await runAxe(page, options);
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${screen}`).toEqual([]);
}

/**
 * `axe.run` in the page itself, with axe-core injected once per document. @axe-core/playwright's
 * `analyze()` evaluates the 550 kB axe source into the page twice on every call and, by default,
 * opens a blank page in the context to merge the frames' partial results (`axe.finishRun`), copying
 * every node of every passed check across: on the dashboard's screens that was two to five times
 * the cost of the rules themselves (measured on the same screens back to back: 4.7–13 s against
 * 0.5–2.4 s at load 15), for the same violations and passes. The partial-run protocol is there for
 * frames (cross-origin ones above all); the dashboard has none, and a page that does gets
 * AxeBuilder's full protocol, so no frame goes unchecked.
 */
async function runAxe(page: Page, options: RunOptions): Promise<AxeResults> {
  if (page.frames().length > 1) return new AxeBuilder({ page }).options(options).analyze();
  // The injected axe lives as long as the document: a client-side route change keeps it, a load drops it.
  if (!(await page.evaluate('typeof window.axe?.run === "function"'))) await page.evaluate(axe.source);
  return page.evaluate((runOptions) => {
    // Runs in the page (the test's compilation has no DOM types, hence globalThis).
    const inPage = globalThis as unknown as { axe: typeof axe; document: Parameters<typeof axe.run>[0] };
    return inPage.axe.run(inPage.document, runOptions);
  }, options);
}

/** Switches the dashboard's theme with the header toggle (if it is not that one already) and waits for it. */
export async function setScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  const html = page.locator('html');
  if ((await html.getAttribute('data-mantine-color-scheme')) !== scheme) await page.getByTestId('theme-toggle').click();
  await expect.poll(() => html.getAttribute('data-mantine-color-scheme')).toBe(scheme);
}
