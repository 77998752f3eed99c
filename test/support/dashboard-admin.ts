/**
 * A spawned server with a dashboard administrator, for the browser tests of the tenant screens:
 * reads the one-time setup link from the server's output, creates the administrator through
 * `POST /api/control/v1/setup` (the setup page's own call), and hands the session cookie to a
 * browser context for `manage.localhost`. The setup page itself is covered by dashboard-smoke.
 */
import type { BrowserContext } from 'playwright-core';
import { call, startServer, type TestServer } from './server.js';
import { eventually } from './eventually.js';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'Xk9#mTq2!vLp-dashboard';

export interface AdminServer {
  server: TestServer;
  /** `http://manage.localhost:PORT` */
  dashboard: string;
  /** The `tessera_dash` session cookie value. */
  session: string;
}

export async function startWithAdmin(): Promise<AdminServer> {
  const server = await startServer();
  const output = await eventually(async () => server.output(), (text) => /Dashboard setup: \S+#token=[\w-]+/.test(text), 10_000);
  const token = /Dashboard setup: \S+#token=([\w-]+)/.exec(output)?.[1];
  if (!token) throw new Error(`no setup link in the server output:\n${output}`);
  const created = await call(server, '/api/control/v1/setup', { host: 'manage.localhost', body: { token, email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  const session = /tessera_dash=([^;]+)/.exec(created.headers.get('set-cookie') ?? '')?.[1];
  if (created.status >= 300 || !session) throw new Error(`setup failed: ${created.status} ${created.text}`);
  return { server, dashboard: `http://manage.localhost:${server.port}`, session };
}

export async function signInContext(context: BrowserContext, admin: AdminServer): Promise<void> {
  await context.addCookies([{ name: 'tessera_dash', value: admin.session, domain: 'manage.localhost', path: '/', httpOnly: true, sameSite: 'Strict', secure: false }]);
}

/** A Management API call on a tenant of the server (`dev` is served on `localhost`). */
export async function managementCall(server: TestServer, token: string, method: string, path: string, body?: object) {
  return call(server, path, { method, host: 'localhost', headers: { authorization: `Bearer ${token}` }, ...(body ? { body } : {}) });
}
