/**
 * The Activity screen against a real spawned server (SQLite): an administrator lands on it from
 * `/t/dev`; the totals are the tenant's live counts; the four charts show the daily statistics that
 * the test writes straight into `stats_daily` for the last 120 days (the aggregator never writes
 * today, and logs made during the test are all from today); the range switch (30 → 7 days) changes
 * the headlines and the rows; "Compare to previous period" adds the dotted previous line and the
 * green/red changes; in a custom range today cannot be picked. axe on every state, light and dark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { shoot, watchPage, expectAxeClean } from '../support/dashboard.js';
import { managementCall, signInContext, startWithAdmin, type AdminServer } from '../support/dashboard-admin.js';
import { managementToken } from '../support/server.js';
import { withRawDatabase } from '../support/database.js';

let admin: AdminServer;
let browser: Browser;
let totals: { users: number; applications: number; apis: number; connections: number };

const DAY_MS = 86_400_000;
const USERS_TOTAL = 200;

/** Day `i` days before yesterday (i = 0 is yesterday), UTC. */
function dayAgo(i: number): string {
  return new Date(Date.now() - (i + 1) * DAY_MS).toISOString().slice(0, 10);
}

/** The seeded numbers: the last 30 days busier than the 30 before, with fewer failed logins. */
function seeded(i: number) {
  const recent = i < 30;
  return {
    active_users: recent ? 40 + (i % 5) * 2 : 20 + (i % 5),
    signups: recent ? 5 + (i % 3) : 2,
    failed_logins: recent ? 1 : 4 + (i % 2),
  };
}

const range = (n: number, offset = 0) => Array.from({ length: n }, (_, k) => seeded(k + offset));
const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
const oneDecimal = (value: number) => `${(Math.round(value * 10) / 10).toLocaleString('en-US')}`;

beforeAll(async () => {
  admin = await startWithAdmin();
  const { server } = admin;
  const token = await managementToken(server, 'dev');
  for (const name of ['ada', 'grace', 'alan']) {
    const created = await managementCall(server, token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: `${name}@example.com`, password: 'Xk9#mTq2!vLp', email_verified: true });
    expect(created.status, created.text).toBe(201);
  }
  const answer = await managementCall(server, token, 'GET', '/api/v2/tessera/stats/totals');
  expect(answer.status).toBe(200);
  totals = answer.body;
  expect(totals.users).toBe(3);

  await withRawDatabase(server.database, async (db) => {
    const tenant = await db.selectFrom('tenants').select('id').where('name', '=', 'dev').executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    const rows = Array.from({ length: 120 }, (_, i) => ({
      tenant_id: tenant.id,
      day: dayAgo(i),
      logins: seeded(i).active_users * 2,
      ...seeded(i),
      leaked_passwords: 0,
      attack_protection: 0,
      users_total: USERS_TOTAL,
      first_event_at: `${dayAgo(i)}T08:00:00.000Z`,
      created_at: now,
      updated_at: now,
    }));
    await db.insertInto('stats_daily').values(rows).execute();
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await closeBrowser(browser);
  await admin?.server.stop();
});

const text = (page: Page, testId: string) => page.getByTestId(testId).innerText();

describe('Activity', () => {
  it('lands admins on Activity, shows totals and the seeded charts, switches ranges, compares periods', async () => {
    await withPage(
      browser,
      'dashboard-activity',
      async (page, context) => {
        // The account's avatar is a Gravatar URL, which the closed test network cannot reach.
        const problems = await watchPage(page, (url) => url.startsWith('https://s.gravatar.com/'));
        await signInContext(context, admin);
        await page.goto(`${admin.dashboard}/t/dev`);
        await page.waitForURL(`${admin.dashboard}/t/dev/activity`);
        await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();

        // Totals: the tenant's live counts.
        for (const key of ['users', 'applications', 'apis', 'connections'] as const) {
          await expect(text(page, `total-${key}`)).resolves.toContain(String(totals[key]));
        }

        // Last 30 days (the default): headlines from the seeded rows.
        const last30 = range(30);
        await page.getByTestId('headline-active-users').waitFor();
        await expect(text(page, 'headline-active-users')).resolves.toBe(String(Math.round(average(last30.map((d) => d.active_users)))));
        await expect(text(page, 'headline-retention')).resolves.toBe(`${oneDecimal((average(last30.map((d) => d.active_users)) / USERS_TOTAL) * 100)}%`);
        await expect(text(page, 'headline-signups')).resolves.toBe(String(total(last30.map((d) => d.signups))));
        await expect(text(page, 'headline-failed-logins')).resolves.toBe(String(total(last30.map((d) => d.failed_logins))));
        // Every day of the range is a row of the chart's data table; yesterday's value is the seeded one.
        await expect(page.getByTestId('table-active-users').locator('tbody tr').count()).resolves.toBe(30);
        await expect(page.getByTestId('table-active-users').locator(`tr[data-day="${dayAgo(0)}"] td`).nth(1).innerText()).resolves.toBe(String(seeded(0).active_users));
        await expect(page.getByTestId('table-retention').locator(`tr[data-day="${dayAgo(1)}"] td`).nth(1).innerText()).resolves.toBe(`${oneDecimal((seeded(1).active_users / USERS_TOTAL) * 100)}%`);
        // One solid line per chart, drawn through the points.
        const activeChart = page.getByTestId('chart-active-users');
        await expect(activeChart.locator('path.recharts-line-curve').count()).resolves.toBe(1);
        expect(await activeChart.locator('path.recharts-line-curve').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/);
        await shoot(page, 'activity');
        await expectAxeClean(page, 'activity (light)');

        // Last 7 days.
        await page.getByTestId('range-select').click();
        await page.getByRole('option', { name: 'Last 7 days' }).click();
        const last7 = range(7);
        await expect.poll(() => text(page, 'headline-signups')).toBe(String(total(last7.map((d) => d.signups))));
        await expect(text(page, 'headline-active-users')).resolves.toBe(String(Math.round(average(last7.map((d) => d.active_users)))));
        await expect(page.getByTestId('table-signups').locator('tbody tr').count()).resolves.toBe(7);

        // Back to 30 days, compared with the 30 before: a dotted second line and the changes, green up, red down.
        await page.getByTestId('range-select').click();
        await page.getByRole('option', { name: 'Last 30 days' }).click();
        await page.getByRole('checkbox', { name: 'Compare to previous period' }).check();
        const previous30 = range(30, 30);
        const change = (now: number, before: number) => ((now - before) / before) * 100;
        await page.getByTestId('change-signups').waitFor();
        const signupsChange = change(total(last30.map((d) => d.signups)), total(previous30.map((d) => d.signups)));
        await expect(text(page, 'change-signups')).resolves.toBe(`+${oneDecimal(signupsChange)}% vs previous period`);
        expect(await page.getByTestId('change-signups').getAttribute('data-trend')).toBe('up');
        const failedChange = change(total(last30.map((d) => d.failed_logins)), total(previous30.map((d) => d.failed_logins)));
        await expect(text(page, 'change-failed-logins')).resolves.toBe(`−${oneDecimal(Math.abs(failedChange))}% vs previous period`);
        expect(await page.getByTestId('change-failed-logins').getAttribute('data-trend')).toBe('down');
        const dauChange = change(average(last30.map((d) => d.active_users)), average(previous30.map((d) => d.active_users)));
        await expect(text(page, 'change-active-users')).resolves.toBe(`+${oneDecimal(dauChange)}% vs previous period`);
        // Green and red are different colors, taken from the theme.
        const color = (id: string) => page.evaluate(`getComputedStyle(document.querySelector('[data-testid="${id}"]')).color`) as Promise<string>;
        expect(await page.getByTestId('change-signups').getAttribute('data-color')).toBe('green');
        expect(await page.getByTestId('change-failed-logins').getAttribute('data-color')).toBe('red');
        expect(await color('change-signups')).toMatch(/^rgb/);
        expect(await color('change-signups')).not.toBe(await color('change-failed-logins'));
        await expect.poll(() => activeChart.locator('path.recharts-line-curve').count()).toBe(2);
        const curves = activeChart.locator('path.recharts-line-curve');
        const dashes = [await curves.nth(0).getAttribute('stroke-dasharray'), await curves.nth(1).getAttribute('stroke-dasharray')];
        // Exactly one of the two lines, the previous period, is dotted.
        expect(dashes.filter((d) => d === '5 5')).toHaveLength(1);
        await expect(page.getByTestId('table-active-users').locator(`tr[data-day="${dayAgo(0)}"] td`).nth(2).innerText()).resolves.toBe(`${dayAgo(30)}: ${seeded(30).active_users}`);
        await shoot(page, 'activity-compare');
        await expectAxeClean(page, 'activity compare (light)');

        // Dark.
        await page.getByTestId('theme-toggle').click();
        await expect.poll(() => page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
        await shoot(page, 'activity-compare');
        await expectAxeClean(page, 'activity compare (dark)');

        // A custom range: today cannot be picked; two earlier days can.
        await page.getByTestId('range-select').click();
        await page.getByRole('option', { name: 'Custom range' }).click();
        await page.getByTestId('range-needed').waitFor();
        await page.getByRole('button', { name: 'From – To' }).click();
        const todayLabel = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
        const dayButton = (day: string) => page.getByRole('button', { name: new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }), exact: true });
        const today = page.getByRole('button', { name: todayLabel, exact: true });
        await today.waitFor();
        expect(await today.isDisabled()).toBe(true);
        // Pick the two days before yesterday; they may sit in the previous month.
        if (dayAgo(2).slice(0, 7) !== new Date().toISOString().slice(0, 7)) await page.getByRole('button', { name: 'Previous month' }).click();
        await dayButton(dayAgo(2)).click();
        if (dayAgo(1).slice(0, 7) !== dayAgo(2).slice(0, 7)) await page.getByRole('button', { name: 'Next month' }).click();
        await dayButton(dayAgo(1)).click();
        await expect.poll(() => page.getByTestId('table-signups').locator('tbody tr').count()).toBe(2);
        await expect(text(page, 'headline-signups')).resolves.toBe(String(seeded(1).signups + seeded(2).signups));
        await shoot(page, 'activity-custom');
        await expectAxeClean(page, 'activity custom range (dark)');

        expect(problems).toEqual({ consoleErrors: [], pageErrors: [], cspViolations: [] });
      },
      { colorScheme: 'light', reducedMotion: 'reduce', timezoneId: 'UTC' },
    );
  }, 120_000);
});
