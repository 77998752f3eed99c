/**
 * `GET /api/v2/logs` and `GET /api/v2/logs/{id}` on the in-process server, through both official
 * SDKs (given the server's `fetch`): the token endpoint's `seccft`/`feccft` events and the Management
 * API's `sapi` events are found by search, pages and checkpoints return each entry once, and one
 * tenant never sees another's logs.
 *
 * Log writes are batched every 200 ms, off the request path: where the spawned tier polled until a
 * fresh event showed up or the entries stopped changing, these reads first write the queue
 * (`server.drain()`), so each sees every event recorded before it, without waiting on the timer.
 * The last case, the client-credentials events read from the logs table, comes from
 * test/integration/client-credentials.test.ts, where it slept past a batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementClient, ManagementError } from 'auth0';
import { ManagementApiError, ManagementClient as ManagementClientV4 } from 'auth0-v4';
import { thrown } from '../support/tls.js';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import type { Bootstrap } from '../support/server.js';

type Log = Record<string, any>;

let server: InProcessServer;
let dev: Bootstrap;
let acme: Bootstrap;
const tokens: Record<string, string> = {};
/** SDK clients made once: each new client asks for a token, which is itself logged (seccft). */
let sdk: { v7: Record<string, ManagementClient>; v4: Record<string, ManagementClientV4> };

/** `GET /api/v2/logs?...` with the tenant's token; `query` values are sent as given. */
async function listLogs(tenant: string, query: Record<string, string | number | boolean> = {}): Promise<{ status: number; body: any }> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return server.api(tenant, tokens[tenant]!, 'GET', `/api/v2/logs${qs ? `?${qs}` : ''}`);
}

/** A search once every event recorded so far is written; `accept` says what it must have found. */
async function logsWhen(tenant: string, query: Record<string, string | number | boolean>, accept: (logs: Log[]) => boolean): Promise<Log[]> {
  await server.drain();
  const logs = (await listLogs(tenant, { per_page: 100, ...query })).body as Log[];
  expect(Array.isArray(logs)).toBe(true);
  expect(accept(logs), JSON.stringify(logs)).toBe(true);
  return logs;
}

/** Writes every event recorded so far, so a test can compare several reads. */
async function settle(): Promise<void> {
  await server.drain();
}

const managementAudience = (tenant: string) => server.services.tenants.publicOrigin.managementApiIdentifier(tenant);

const tokenRequest = (tenant: string, creds: Bootstrap, secret = creds.client_secret) =>
  server.fetch(`${server.originOf(tenant)}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'logs-test/1.0' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.client_id, client_secret: secret, audience: managementAudience(tenant) }),
  });

const createApi = (tenant: string, identifier: string) => server.api(tenant, tokens[tenant]!, 'POST', '/api/v2/resource-servers', { identifier, name: `API ${identifier.replace(/\W/g, ' ')}` });

beforeAll(async () => {
  server = await startInProcess();
  acme = await server.createTenant('acme');
  dev = server.bootstrap;
  tokens.dev = await server.tokenFor('dev');
  tokens.acme = await server.tokenFor('acme');
  // Failed token requests in each tenant (feccft), and Management writes (sapi).
  const missingClientId = await server.fetch(`${server.originOf('dev')}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_secret: 'x' }),
  });
  expect(missingClientId.status).toBe(400);
  expect((await tokenRequest('dev', dev, 'not-the-secret-not-the-secret-not-the-secret')).status).toBe(401);
  expect((await tokenRequest('acme', acme, 'not-the-secret-not-the-secret-not-the-secret')).status).toBe(401);
  expect((await createApi('dev', 'https://orders.example.com/')).status).toBe(201);
  expect((await createApi('acme', 'https://acme-only.example.com/')).status).toBe(201);
  const v7 = (tenant: string, creds: Bootstrap) => new ManagementClient({ domain: server.hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: server.fetch });
  const v4 = (tenant: string, creds: Bootstrap) => new ManagementClientV4({ domain: server.hostOf(tenant), clientId: creds.client_id, clientSecret: creds.client_secret, fetch: server.fetch });
  sdk = { v7: { dev: v7('dev', dev), acme: v7('acme', acme) }, v4: { dev: v4('dev', dev), acme: v4('acme', acme) } };
  for (const tenant of ['dev', 'acme']) {
    await sdk.v7[tenant]!.logs.list({ per_page: 1 });
    await sdk.v4[tenant]!.logs.getAll({ per_page: 1 });
  }
  await settle();
});

afterAll(async () => server?.close());

describe('log events and their Auth0 fields', () => {
  it('records a successful token request as seccft with client, audience, scope and tenant', async () => {
    const [log] = await logsWhen('dev', { q: `type:seccft AND client_id:${dev.client_id}` }, (logs) => logs.length > 0);
    expect(log).toMatchObject({
      type: 'seccft',
      client_id: dev.client_id,
      client_name: expect.any(String),
      audience: managementAudience('dev'),
      scope: expect.stringContaining('read:logs'),
      ip: expect.any(String),
      tenant_name: 'dev',
      log_id: expect.any(String),
    });
    expect(new Date(log!.date).toISOString()).toBe(log!.date);
  });

  it('records a bad client secret as feccft, which type:feccft finds (v7 list with search, v4 getAll with q)', async () => {
    await logsWhen('dev', { q: 'type:feccft' }, (logs) => logs.length > 0);

    const v7 = await sdk.v7.dev!.logs.list({ search: 'type:feccft' });
    expect(v7.data.length).toBeGreaterThan(0);
    for (const log of v7.data) expect(log.type).toBe('feccft');
    expect(v7.data[0]).toMatchObject({ client_id: dev.client_id, description: 'Client authentication failed.', user_agent: 'logs-test/1.0', tenant_name: 'dev' });
    // v7 asks for totals by default and reads the `logs` wrapper.
    expect(v7.response).toMatchObject({ start: 0, limit: 50, length: v7.data.length, total: v7.data.length });

    const v4 = await sdk.v4.dev!.logs.getAll({ q: 'type:feccft', include_totals: true });
    expect(v4.status).toBe(200);
    const body = v4.data as { logs: Log[]; start: number; limit: number; length: number; total: number };
    expect(body).toMatchObject({ start: 0, limit: 50, length: v7.data.length, total: v7.data.length });
    expect(body.logs.map((l) => l.log_id)).toEqual(v7.data.map((l) => l.log_id));
  });

  it('records Management API writes as sapi with the method and route', async () => {
    const logs = await logsWhen('dev', { q: 'type:sapi' }, (found) => found.some((l) => l.description === 'POST /api/v2/resource-servers'));
    const log = logs.find((l) => l.description === 'POST /api/v2/resource-servers')!;
    expect(log).toMatchObject({
      type: 'sapi',
      tenant_name: 'dev',
      details: { request: { method: 'post', path: '/api/v2/resource-servers' }, response: { statusCode: 201 } },
    });
    // A write the API refused is an fapi.
    expect((await createApi('dev', 'https://orders.example.com/')).status).toBe(409);
    const failed = await logsWhen('dev', { q: 'type:fapi' }, (found) => found.length > 0);
    expect(failed[0]).toMatchObject({ type: 'fapi', details: { response: { statusCode: 409 } } });
  });

  it('gets one entry by id through both SDKs, with the same JSON as the list', async () => {
    const [listed] = await logsWhen('dev', { q: 'type:seccft' }, (logs) => logs.length > 0);
    const v7 = await sdk.v7.dev!.logs.get(listed!.log_id);
    expect(v7).toEqual(listed);
    const v4 = await sdk.v4.dev!.logs.get({ id: listed!.log_id });
    expect(v4.data).toEqual(listed);
  });

  it('answers an unknown log id with a 404 in Auth0 format (v7, v4 and raw)', async () => {
    const v7 = await thrown(sdk.v7.dev!.logs.get('90020260101000000000000000000000000000000000000000000000'));
    expect(v7).toBeInstanceOf(ManagementError);
    expect(v7.statusCode).toBe(404);
    const v4 = await thrown(sdk.v4.dev!.logs.get({ id: 'no-such-log' }));
    expect(v4).toBeInstanceOf(ManagementApiError);
    expect(v4).toMatchObject({ statusCode: 404, errorCode: 'inexistent_log' });
    const raw = await server.api('dev', tokens.dev!, 'GET', '/api/v2/logs/no-such-log');
    expect(raw).toEqual({ status: 404, body: { statusCode: 404, error: 'Not Found', message: 'Log not found.', errorCode: 'inexistent_log' } });
  });
});

describe('search (q)', () => {
  it('finds description:*word* ignoring case, and exact quoted phrases', async () => {
    await logsWhen('dev', { q: 'type:feccft' }, (logs) => logs.length > 0);
    const wild = (await listLogs('dev', { q: 'description:*AUTHENTICATION*' })).body as Log[];
    expect(wild.length).toBeGreaterThan(0);
    for (const log of wild) expect(log.description.toLowerCase()).toContain('authentication');
    expect(wild.map((l) => l.type)).toContain('feccft');

    const prefix = (await listLogs('dev', { q: 'description:post*' })).body as Log[];
    expect(prefix.length).toBeGreaterThan(0);
    for (const log of prefix) expect(log.description).toMatch(/^POST /);

    const phrase = (await listLogs('dev', { q: 'description:"client authentication failed."' })).body as Log[];
    expect(phrase.map((l) => l.type)).toEqual(phrase.map(() => 'feccft'));
    expect(phrase.length).toBe(wild.filter((l) => l.description === 'Client authentication failed.').length);
    // A phrase matches the whole value, not a part of it.
    expect((await listLogs('dev', { q: 'description:"authentication"' })).body).toEqual([]);
  });

  it('combines terms with AND, OR, NOT and parentheses; bare terms search the bare-term fields', async () => {
    const all = (await listLogs('dev', { per_page: 100 })).body as Log[];
    const count = (type: string) => all.filter((l) => l.type === type).length;
    const types = async (q: string) => ((await listLogs('dev', { q, per_page: 100 })).body as Log[]).map((l) => l.type);

    expect((await types('type:seccft OR type:feccft')).length).toBe(count('seccft') + count('feccft'));
    expect(await types('NOT type:seccft')).not.toContain('seccft');
    expect((await types('NOT type:seccft')).length).toBe(all.length - count('seccft'));
    const devFailures = all.filter((l) => l.type === 'feccft' && l.client_id === dev.client_id).length;
    expect(devFailures).toBeGreaterThan(0);
    expect(devFailures).toBeLessThan(count('feccft')); // one failure named no client
    expect(await types(`(type:seccft OR type:feccft) AND client_id:${dev.client_id} AND NOT type:seccft`)).toEqual(Array(devFailures).fill('feccft'));
    // A bare term: here it matches the type field.
    expect(new Set(await types('feccft'))).toEqual(new Set(['feccft']));
    expect((await types('sapi')).length).toBe(count('sapi'));
  });

  it('searches date ranges', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const all = (await listLogs('dev', { per_page: 100 })).body as Log[];
    expect(((await listLogs('dev', { q: `date:${today}`, per_page: 100 })).body as Log[]).length).toBe(all.length);
    expect(((await listLogs('dev', { q: `date:[${today} TO *]`, per_page: 100 })).body as Log[]).length).toBe(all.length);
    expect((await listLogs('dev', { q: 'date:[2000-01-01 TO 2000-12-31]' })).body).toEqual([]);
    const oldest = all[all.length - 1]!;
    expect(((await listLogs('dev', { q: `date:{${oldest.date} TO *]`, per_page: 100 })).body as Log[]).map((l) => l.log_id)).not.toContain(oldest.log_id);
  });

  it('treats SQL and LIKE metacharacters in values as plain text', async () => {
    for (const q of [`description:"x' OR '1'='1"`, 'description:*%*', `type:sapi'--`, 'description:*\\\\*']) {
      const res = await listLogs('dev', { q });
      expect(res, q).toEqual({ status: 200, body: [] });
    }
    // `_` is LIKE's any-character: escaped, it finds only the description with an underscore in it.
    const underscored = (await listLogs('dev', { q: 'description:*_*' })).body as Log[];
    expect(underscored.map((l) => l.description)).toEqual(['Missing required parameter: client_id']);
  });
});

describe('pages, sort and fields', () => {
  it('pages with page/per_page and include_totals, newest first by default and oldest first with date:1', async () => {
    const all = (await listLogs('dev', { per_page: 100 })).body as Log[];
    expect(all.length).toBeGreaterThanOrEqual(5);
    const dates = all.map((l) => l.date);
    expect([...dates].sort().reverse()).toEqual(dates);

    const firstTwo = await listLogs('dev', { per_page: 2, page: 0, include_totals: true });
    expect(firstTwo.body).toMatchObject({ start: 0, limit: 2, length: 2, total: all.length });
    expect(firstTwo.body.logs.map((l: Log) => l.log_id)).toEqual(all.slice(0, 2).map((l) => l.log_id));
    const second = (await listLogs('dev', { per_page: 2, page: 1, include_totals: true })).body;
    expect(second).toMatchObject({ start: 2, limit: 2, length: 2, total: all.length });
    expect(second.logs.map((l: Log) => l.log_id)).toEqual(all.slice(2, 4).map((l) => l.log_id));

    const ascending = (await listLogs('dev', { per_page: 100, sort: 'date:1' })).body as Log[];
    expect(ascending.map((l) => l.log_id)).toEqual(all.map((l) => l.log_id).reverse());

    // v4, same pages.
    const v4 = await sdk.v4.dev!.logs.getAll({ per_page: 2, page: 1, sort: 'date:-1' });
    expect((v4.data as Log[]).map((l) => l.log_id)).toEqual(all.slice(2, 4).map((l) => l.log_id));
  });

  it('projects fields with fields/include_fields', async () => {
    const included = (await listLogs('dev', { fields: 'log_id,type', include_fields: true, per_page: 3 })).body as Log[];
    for (const log of included) expect(Object.keys(log).sort()).toEqual(['log_id', 'type']);
    const excluded = (await listLogs('dev', { fields: 'details,user_agent', include_fields: false, per_page: 100 })).body as Log[];
    for (const log of excluded) {
      expect(log).not.toHaveProperty('details');
      expect(log).not.toHaveProperty('user_agent');
      expect(log).toHaveProperty('log_id');
    }
  });
});

describe('checkpoint reading (from/take)', () => {
  it('walks every entry exactly once, oldest first, then picks up new entries after the last id', async () => {
    for (let i = 0; i < 5; i++) expect((await createApi('dev', `https://checkpoint-${i}.example.com/`)).status).toBe(201);
    const v4 = sdk.v4.dev!;
    await settle();
    const expected = ((await listLogs('dev', { per_page: 100, sort: 'date:1' })).body as Log[]).map((l) => l.log_id);
    expect(expected.length).toBeGreaterThan(6);

    const walked: string[] = [];
    let from: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const { data } = await v4.logs.getAll(from ? { from, take: 3 } : { take: 3 });
      const page = data as Log[];
      walked.push(...page.map((l) => l.log_id));
      if (page.length < 3) break;
      from = page[page.length - 1]!.log_id;
    }
    expect(walked).toEqual(expected);
    expect(new Set(walked).size).toBe(walked.length);

    // Tailing: a new event shows up after the last checkpoint, and only it.
    const last = walked[walked.length - 1]!;
    expect((await createApi('dev', 'https://checkpoint-new.example.com/')).status).toBe(201);
    await server.drain();
    const next = (await listLogs('dev', { from: last, take: 100 })).body as Log[];
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ type: 'sapi', description: 'POST /api/v2/resource-servers' });

    // The v7 SDK has no from/take in its typings; extra query parameters reach the same endpoint.
    const v7 = await sdk.v7.dev!.logs.list({}, { queryParams: { from: walked[0]!, take: 2 } });
    expect((v7.response as unknown as Log[]).map((l) => l.log_id)).toEqual(walked.slice(1, 3));
  });

  it('ignores q and the page parameters when from is given, as Auth0 does', async () => {
    const [oldest] = (await listLogs('dev', { per_page: 1, sort: 'date:1' })).body as Log[];
    const res = await listLogs('dev', { from: oldest!.log_id, take: 2, q: 'type:nothing-matches', include_totals: true, page: 3 });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
  });
});

describe('tenant isolation', () => {
  it("never lists, searches or gets another tenant's entries", async () => {
    const devLogs = await logsWhen('dev', {}, (logs) => logs.some((l) => l.type === 'feccft'));
    const acmeLogs = await logsWhen('acme', {}, (logs) => logs.some((l) => l.type === 'feccft') && logs.some((l) => l.type === 'sapi'));
    const devIds = new Set(devLogs.map((l) => l.log_id));
    for (const log of acmeLogs) {
      expect(devIds.has(log.log_id)).toBe(false);
      expect(log.tenant_name).toBe('acme');
    }
    // A search for dev's client finds nothing in acme.
    expect((await listLogs('acme', { q: `client_id:${dev.client_id}` })).body).toEqual([]);
    // acme's own view: its resource server write, not dev's.
    expect((await listLogs('acme', { q: 'type:sapi' })).body).toHaveLength(1);

    const devLog = devLogs[0]!;
    const v7 = await thrown(sdk.v7.acme!.logs.get(devLog.log_id));
    expect(v7.statusCode).toBe(404);
    const v4 = await thrown(sdk.v4.acme!.logs.get({ id: devLog.log_id }));
    expect(v4).toMatchObject({ statusCode: 404, errorCode: 'inexistent_log' });
    // dev still sees it.
    expect((await server.api('dev', tokens.dev!, 'GET', `/api/v2/logs/${devLog.log_id}`)).status).toBe(200);

    // A checkpoint from dev's id is no checkpoint in acme.
    const crossed = await listLogs('acme', { from: devLog.log_id, take: 10 });
    expect(crossed.status).toBe(400);
    expect(crossed.body).toMatchObject({ errorCode: 'invalid_query_string', message: expect.stringContaining('no log entry with id') });
  });
});

describe('validation', () => {
  it('answers bad parameters with 400 invalid_query_string naming the problem', async () => {
    const cases: Array<[Record<string, string | number>, RegExp]> = [
      [{ per_page: 101 }, /per_page/],
      [{ per_page: 0 }, /per_page/],
      [{ page: -1 }, /page/],
      [{ take: 0 }, /take/],
      [{ take: 101 }, /take/],
      [{ include_totals: 'maybe' }, /include_totals/],
      [{ sort: 'date:2' }, /Invalid sort/],
      [{ sort: 'colour:1' }, /Invalid sort/],
      [{ q: 'type:' }, /Invalid log search query: the field type needs a value/],
      [{ q: 'colour:red' }, /unknown field colour/],
      [{ q: 'constructor:x' }, /unknown field constructor/],
      [{ q: 'hasOwnProperty:x' }, /unknown field hasOwnProperty/],
      [{ q: '(type:sapi' }, /unbalanced opening parenthesis/],
      [{ q: 'date:last-week' }, /last-week is not a date/],
      [{ q: 'type:sapi', search: 'type:seccft' }, /q or as search, not both/],
      [{ page: 10, per_page: 100 }, /exceeds the allowed maximum of 1000 records/],
      [{ from: 'no-such-log' }, /no log entry with id no-such-log/],
      [{ q: 'x'.repeat(2001) }, /q/],
    ];
    for (const [query, message] of cases) {
      const res = await listLogs('dev', query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body, JSON.stringify(query)).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_query_string', message: expect.stringMatching(message) });
    }
  });

  it('surfaces the 400 through both SDKs', async () => {
    const v7 = await thrown(sdk.v7.dev!.logs.list({ search: 'type:sapi AND' }));
    expect(v7).toBeInstanceOf(ManagementError);
    expect(v7.statusCode).toBe(400);
    expect(v7.body).toMatchObject({ errorCode: 'invalid_query_string', message: expect.stringContaining('AND must be followed by a term') });

    const v4 = await thrown(sdk.v4.dev!.logs.getAll({ sort: 'when:1' }));
    expect(v4).toBeInstanceOf(ManagementApiError);
    expect(v4).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
  });

  it('needs a token (401)', async () => {
    const res = await server.fetch(`${server.originOf('dev')}/api/v2/logs`);
    expect(res.status).toBe(401);
  });
});

describe('client-credentials log events in storage', () => {
  it("writes Auth0's client-credentials log events (seccft, feccft)", async () => {
    // Counted before and after: earlier cases of this file wrote both types already.
    const stored = async (type: string) => {
      await server.drain(); // log writes are batched every 200 ms: write the batch now
      const rows = await server.services.storage.db.selectFrom('logs').select('client_id').where('type', '=', type).execute();
      return rows.filter((row) => row.client_id === dev.client_id).length;
    };
    const before = { seccft: await stored('seccft'), feccft: await stored('feccft') };
    const granted = await server.postForm('dev', '/oauth/token', { grant_type: 'client_credentials', client_id: dev.client_id, client_secret: dev.client_secret, audience: managementAudience('dev') });
    expect(granted.status).toBe(200);
    const refused = await server.postForm('dev', '/oauth/token', { grant_type: 'client_credentials', client_id: dev.client_id, client_secret: 'wrong-secret-wrong-secret-wrong-secret', audience: managementAudience('dev') });
    expect(refused.status).toBe(401);
    expect({ seccft: await stored('seccft'), feccft: await stored('feccft') }).toEqual({ seccft: before.seccft + 1, feccft: before.feccft + 1 });
  });
});

describe('batched writes', () => {
  it('stores a batch of any size whole and in order (statements of 50 rows, the rest in chunks of 32, 16, … 1)', async () => {
    await settle();
    const [newest] = (await listLogs('dev', { per_page: 1, sort: 'date:-1' })).body as Log[];
    const tenant = (await server.services.tenants.findByName('dev'))!;
    // 137 = 2 × 50 + 32 + 4 + 1: both full statements and three of the smaller ones, in one flush.
    for (let i = 0; i < 137; i++) server.services.logs.record(tenant.id, { type: 'sapi', description: `batch row ${i}` });
    await settle();
    const walked: Log[] = [];
    let from = newest!.log_id;
    for (let guard = 0; guard < 10; guard++) {
      const page = (await listLogs('dev', { from, take: 100 })).body as Log[];
      walked.push(...page);
      if (page.length < 100) break;
      from = page[page.length - 1]!.log_id;
    }
    const rows = walked.map((l) => l.description).filter((d) => d?.startsWith('batch row '));
    expect(rows).toEqual(Array.from({ length: 137 }, (_, i) => `batch row ${i}`));
  });
});
