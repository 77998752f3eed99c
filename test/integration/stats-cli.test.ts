/**
 * `tessera stats rebuild` against a running server's database: it recomputes closed days at once
 * (the server's own job waits 5–15 minutes), and the Management API then answers them. Its
 * arguments are checked before anything is opened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { withRawDatabase } from '../support/database.js';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.stop());

const cliFails = async (...args: string[]): Promise<{ stderr: string }> => {
  try {
    await server.cli(...args);
  } catch (error) {
    return { stderr: String((error as { stderr?: string }).stderr ?? error) };
  }
  throw new Error(`expected "tessera ${args.join(' ')}" to fail`);
};

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// Each CLI command is a Node.js process of its own (several seconds when the machine is busy).
describe('tessera stats rebuild', { timeout: 120_000 }, () => {
  it('recomputes the closed days of a tenant, which the Management API then answers', async () => {
    // Two logins three days ago and one two days ago, written as the log batches would have.
    const today = Date.now();
    const threeDaysAgo = dayOf(today - 3 * DAY_MS);
    const twoDaysAgo = dayOf(today - 2 * DAY_MS);
    await withRawDatabase(server.database, async (db) => {
      const tenant = await db.selectFrom('tenants').select('id').where('name', '=', 'dev').executeTakeFirstOrThrow();
      const row = (n: number, date: string, type: string, userId: string) => ({ tenant_id: tenant.id, log_id: `stats-cli-${n}`, date, type, user_id: userId, document: JSON.stringify({ date, type, user_id: userId }) });
      await db
        .insertInto('logs')
        .values([row(1, `${threeDaysAgo}T08:00:00.000Z`, 's', 'auth0|one'), row(2, `${threeDaysAgo}T23:59:59.999Z`, 's', 'auth0|two'), row(3, `${twoDaysAgo}T00:00:00.000Z`, 's', 'auth0|one')])
        .execute();
    });

    const out = await server.cli('stats', 'rebuild', '--tenant', 'dev');
    // From the first log's day up to yesterday (or the day before, in the first five minutes of a day).
    expect(out).toMatch(/^dev: [23] day\(s\) recomputed$/m);

    const token = await managementToken(server, 'dev');
    const compact = (day: string) => day.replace(/-/g, '');
    const days = await call(server, `/api/v2/stats/daily?from=${compact(threeDaysAgo)}&to=${compact(twoDaysAgo)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(days.status).toBe(200);
    expect(days.body.map((day: { date: string; logins: number; active_users: number }) => [day.date, day.logins, day.active_users])).toEqual([
      [`${threeDaysAgo}T00:00:00.000Z`, 2, 2],
      [`${twoDaysAgo}T00:00:00.000Z`, 1, 1],
    ]);

    // Again, for every tenant, from a given day: the same numbers.
    expect(await server.cli('stats', 'rebuild', '--from', twoDaysAgo)).toMatch(/^dev: [12] day\(s\) recomputed$/m);
    const again = await call(server, `/api/v2/stats/daily?from=${compact(threeDaysAgo)}&to=${compact(twoDaysAgo)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.body.map((day: { logins: number }) => day.logins)).toEqual([2, 1]);
  });

  it('refuses a bad date, an unknown tenant and unknown arguments', async () => {
    expect((await cliFails('stats', 'rebuild', '--from', '2026-02-30')).stderr).toMatch(/--from must be a date in YYYY-MM-DD format/);
    expect((await cliFails('stats', 'rebuild', '--tenant', 'nosuchtenant')).stderr).toMatch(/no tenant named nosuchtenant/);
    const usage = await cliFails('stats', 'rebuild', '--from');
    expect(usage.stderr).toMatch(/usage: tessera .*stats rebuild \[--from YYYY-MM-DD\] \[--tenant NAME\]/);
    expect((await cliFails('stats', 'compute')).stderr).toMatch(/usage: tessera/);
  });
});
