/**
 * The in-process tier: the real server built in the test process (the same wiring as `tessera
 * start`: runtime, provisioning of the default tenant, sweeper, statistics job) on a fresh SQLite file or
 * PostgreSQL schema, reached with Fastify's `app.inject()` instead of a socket, and running on a
 * `TestClock` the test advances instead of sleeping.
 *
 * Use it for protocol and Management API cases, above all those about time. What must be checked
 * over real HTTP(S) (the SDKs, browsers, TLS, several instances, the CLI) stays in the spawned tier
 * (server.ts, tls.ts).
 *
 * Requests look like the spawned TLS tier's: the public origin is `https://{tenant}.localhost` and
 * each request says `x-forwarded-proto` from its URL (TRUST_PROXY=true, as behind a TLS proxy), so
 * the server sets Secure cookies and builds https issuers and links, as in production.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.js';
import { buildServer } from '../../src/server/app.js';
import { closeRuntime, openRuntime } from '../../src/cli/runtime.js';
import type { Services } from '../../src/domain/services.js';
import { ensureBootstrapClient, ensureTenant, type BootstrapCredentials } from '../../src/domain/bootstrap.js';
import { healManagementApiIdentifiers } from '../../src/domain/tenants/management-api-identity.js';
import { SWEEP_INTERVAL_MS, startSweeper, type Sweeper } from '../../src/domain/maintenance/sweeper.js';
import { ensureAdminTenant } from '../../src/domain/control-plane/admin-tenant.js';
import { STATS_INTERVAL_MS, startStatsJob, type StatsJob } from '../../src/domain/stats/stats-aggregator.js';
import { migratedDatabase, type TestDatabase } from './database.js';
import { TestClock } from './test-clock.js';
import type { Bootstrap } from './server.js';

export const BASE_DOMAIN = 'localhost';
const DEFAULT_TENANT = 'dev';

export interface InProcessOptions {
  /** Default: a new TestClock (the wall clock until the test moves it). */
  clock?: TestClock;
  /** Default: a fresh database, dropped by `close()`. A given one is left to its owner. */
  database?: TestDatabase;
  /** More environment for `loadConfig` (e.g. REDIS_URL, TESSERA_ENCRYPTION_KEY). */
  env?: Record<string, string>;
}

export interface JsonResponse {
  status: number;
  body: any;
}

export interface InProcessServer {
  app: FastifyInstance;
  services: Services;
  clock: TestClock;
  config: Config;
  database: TestDatabase;
  /** The default tenant's bootstrap application (the credentials `tessera start` hands over). */
  bootstrap: Bootstrap;
  bootstrapOf(tenant: string): Bootstrap;
  /** `tessera tenants create NAME`: the tenant and its bootstrap application. */
  createTenant(name: string): Promise<Bootstrap>;
  /** `{tenant}.localhost`: the host name requests of that tenant carry. */
  hostOf(tenant: string): string;
  /** `https://{tenant}.localhost`: the tenant's public origin (issuer without the slash). */
  originOf(tenant: string): string;
  /**
   * A WHATWG `fetch` served by `app.inject()`: the URL's host becomes the Host header, its scheme
   * `x-forwarded-proto`. Redirects are never followed (as `redirect: 'manual'`).
   */
  fetch: typeof fetch;
  /** A Management API token of the tenant's bootstrap application; `scope` narrows it. */
  tokenFor(tenant: string, options?: { creds?: Bootstrap; scope?: string }): Promise<string>;
  /** JSON call with a bearer token; returns status and parsed body. */
  api(tenant: string, token: string, method: string, path: string, body?: unknown): Promise<JsonResponse>;
  /** A form POST (the Authentication API's usual body); returns status and parsed body. */
  postForm(tenant: string, path: string, form: Record<string, string>): Promise<JsonResponse>;
  /** Errors the background tasks reported (log flushing, sweeps, emails): a test may assert there are none. */
  backgroundErrors: unknown[];
  /**
   * Finishes the work the requests so far handed off the request path: every background task
   * (services.background: reset, verification and notification emails, prunes) has ended, so its
   * email is in the dev outbox, then every queued log event is written.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function startInProcess(options: InProcessOptions = {}): Promise<InProcessServer> {
  const clock = options.clock ?? new TestClock();
  const database = options.database ?? (await migratedDatabase());
  const config = loadConfig({
    DATABASE_URL: database.url,
    TESSERA_DATA_DIR: database.dataDir,
    TESSERA_BASE_DOMAIN: BASE_DOMAIN,
    TESSERA_PUBLIC_URL: `https://{tenant}.${BASE_DOMAIN}`,
    TESSERA_DEFAULT_TENANT: DEFAULT_TENANT,
    TRUST_PROXY: 'true',
    LOG_LEVEL: 'warn',
    ...options.env,
  });

  const backgroundErrors: unknown[] = [];
  let reportError = (error: unknown) => console.error(error);
  const onBackgroundError = (error: unknown) => {
    backgroundErrors.push(error);
    reportError(error);
  };
  const services = await openRuntime(config, onBackgroundError, { clock });
  const credentials = new Map<string, Bootstrap>();
  const handOver = async (handed: BootstrapCredentials) => {
    credentials.set(handed.tenant, { tenant: handed.tenant, client_id: handed.client_id, client_secret: handed.client_secret });
  };
  let app: FastifyInstance | undefined;
  let sweeper: Sweeper | undefined;
  let statsJob: StatsJob | undefined;
  const warn = (message: string) => app?.log.warn(message);
  try {
    // What `tessera start` does around listening (cli/start.ts), without a socket.
    app = await buildServer(config, services);
    const log = app.log;
    reportError = (error) => log.error({ err: error }, 'background task failed');
    await healManagementApiIdentifiers(services);
    await ensureAdminTenant(services);
    const { tenant } = await ensureTenant(services, config.defaultTenant);
    await ensureBootstrapClient(services, tenant, { warn, handOver });
    sweeper = startSweeper(services.storage, onBackgroundError, SWEEP_INTERVAL_MS, clock);
    statsJob = startStatsJob(services.stats, onBackgroundError, STATS_INTERVAL_MS);
    await app.ready();
  } catch (error) {
    await app?.close();
    await sweeper?.stop();
    await statsJob?.stop();
    await closeRuntime(services);
    if (!options.database) await database.drop();
    throw error;
  }
  return assembled({ app, sweeper, statsJob, services, clock, config, database, credentials, warn, handOver, backgroundErrors, dropDatabase: !options.database });
}

/** The helpers around a started server. */
function assembled(parts: {
  app: FastifyInstance;
  sweeper: Sweeper;
  statsJob: StatsJob;
  services: Services;
  clock: TestClock;
  config: Config;
  database: TestDatabase;
  credentials: Map<string, Bootstrap>;
  warn: (message: string) => void;
  handOver: (credentials: BootstrapCredentials) => Promise<void>;
  backgroundErrors: unknown[];
  dropDatabase: boolean;
}): InProcessServer {
  const { app, sweeper, statsJob, services, clock, config, database, credentials, warn, handOver, backgroundErrors } = parts;
  const bootstrapOf = (tenant: string): Bootstrap => {
    const creds = credentials.get(tenant);
    if (!creds) throw new Error(`no bootstrap credentials for tenant ${tenant}`);
    return creds;
  };
  const hostOf = (tenant: string) => `${tenant}.${BASE_DOMAIN}`;
  const originOf = (tenant: string) => services.tenants.publicOrigin.tenantOrigin(tenant);

  const injectFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const headers: Record<string, string> = { ...Object.fromEntries(request.headers), host: url.host, 'x-forwarded-proto': url.protocol.slice(0, -1) };
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const res = await app.inject({ method: request.method as InjectOptions['method'], url: `${url.pathname}${url.search}`, headers, ...(body ? { payload: body } : {}) });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, String(one));
    }
    const nullBody = [101, 204, 205, 304].includes(res.statusCode);
    return new Response(nullBody ? null : res.rawPayload, { status: res.statusCode, statusText: res.statusMessage, headers: responseHeaders });
  }) as typeof fetch;

  const json = async (res: Response): Promise<JsonResponse> => {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  const postForm = async (tenant: string, path: string, form: Record<string, string>) =>
    json(await injectFetch(`${originOf(tenant)}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) }));

  return {
    app,
    services,
    clock,
    config,
    database,
    get bootstrap() {
      return bootstrapOf(DEFAULT_TENANT);
    },
    bootstrapOf,
    createTenant: async (name) => {
      const tenant = await services.tenants.create(name);
      await services.controlPlane.addOwnersAsAdmins(tenant);
      await ensureBootstrapClient(services, tenant, { warn, handOver });
      return bootstrapOf(name);
    },
    hostOf,
    originOf,
    fetch: injectFetch,
    tokenFor: async (tenant, { creds = bootstrapOf(tenant), scope } = {}) => {
      const res = await postForm(tenant, '/oauth/token', {
        grant_type: 'client_credentials',
        client_id: creds.client_id,
        client_secret: creds.client_secret,
        audience: services.tenants.publicOrigin.managementApiIdentifier(tenant),
        ...(scope ? { scope } : {}),
      });
      if (res.status !== 200) throw new Error(`token request for ${tenant} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.access_token as string;
    },
    api: async (tenant, token, method, path, body) =>
      json(
        await injectFetch(`${originOf(tenant)}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
      ),
    postForm,
    backgroundErrors,
    drain: async () => {
      // Background work first (emails, which log when sent), then the log queue, which then holds every event recorded so far.
      const unfinished = await services.background.idle(10_000);
      if (unfinished > 0) throw new Error(`drain(): ${unfinished} background task(s) still running after 10 s`);
      await services.logs.flush();
    },
    close: async () => {
      // The order of `tessera start`'s shutdown: stop serving, let a sweep and a statistics run finish, let background tasks finish, flush logs, close storage.
      await app.close();
      await sweeper.stop();
      await statsJob.stop();
      await closeRuntime(services);
      if (parts.dropDatabase) await database.drop();
    },
  };
}
