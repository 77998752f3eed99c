/**
 * Helpers for the dashboard's browser tests against a real spawned server (startServer): the setup
 * link from its stdout, axe, and screenshots (TEST_SCREENSHOTS=1) of a screen in light and dark.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAxeClean, shoot } from './dashboard.js';
import { eventually } from './eventually.js';
import type { TestServer } from './server.js';
export { expectAxeClean } from './dashboard.js';

/** The admin origin of a spawned plain-HTTP server. */
export const adminOrigin = (server: TestServer): string => `http://manage.localhost:${server.port}`;

/** The setup link the server printed at start. */
export async function setupLink(server: TestServer): Promise<string> {
  const pattern = /Dashboard setup: (http:\/\/manage\.localhost:\d+\/setup#token=[A-Za-z0-9_-]+)/;
  const output = await eventually(async () => server.output(), (text) => pattern.test(text), 10_000);
  const match = pattern.exec(output);
  if (!match) throw new Error(`no setup link in the server output:\n${output}`);
  return match[1]!;
}

/**
 * Screenshots (TEST_SCREENSHOTS=1) and axe in both schemes, by the emulated system preference: valid while the page
 * follows the system (the account's theme is "system", the default). Ends in light.
 */
export async function checkBothSchemes(page: Page, name: string): Promise<void> {
  const html = page.locator('html');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect.poll(() => html.getAttribute('data-mantine-color-scheme')).toBe(scheme);
    await shoot(page, name);
    await expectAxeClean(page, `${name} (${scheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => html.getAttribute('data-mantine-color-scheme')).toBe('light');
}
