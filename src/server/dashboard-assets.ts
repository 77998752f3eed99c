/**
 * Serves the dashboard web app (`dist/dashboard`, built by `vite build --config dashboard/vite.config.ts`)
 * on the requests `isDashboardRequest` accepts (the admin host):
 * - `/assets/*`: Vite's content-hashed files, cached for a year (`immutable`), as the build's
 *   brotli or gzip copy when the browser accepts it.
 * - Any other GET that no route takes and that asks for HTML: `index.html` with `no-store` (the SPA
 *   fallback), so `/t/acme/users` reloads into the app, which routes on the client.
 * - If the build is missing, a 503 page that says to run `npm run build`.
 * Every other request, and every request that is not a dashboard request, keeps the server's usual
 * answers (its not-found handler's JSON 404 included).
 *
 * The HTML answers carry the dashboard's CSP (docs/plans/dashboard.md §5): scripts only from the own
 * origin (the app has no inline script), inline styles allowed (Mantine writes its CSS variables in
 * a `<style>` element and components set `style` attributes), and `connect-src` naming the tenants'
 * Management API origins the app calls with its per-tenant tokens.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

export const ASSETS_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export interface DashboardAssetsOptions {
  /** The built app: `index.html` and `assets/`. */
  distDir: string;
  /** Whether the request is for the dashboard (at the server: the admin host). */
  isDashboardRequest: (request: FastifyRequest) => boolean;
  /**
   * Origins besides `'self'` the app may call (fetch), e.g. `http://*.localhost:4000` for the
   * tenants' `/api/v2`. Each must be a CSP source expression without spaces or semicolons.
   */
  connectSources?: string[] | (() => string[]);
}

/** The dashboard's Content-Security-Policy for its HTML responses. */
export function dashboardCsp(connectSources: readonly string[] = []): string {
  for (const source of connectSources) {
    if (!/^[^\s;,']+$/.test(source)) throw new Error(`invalid CSP source for the dashboard: ${JSON.stringify(source)}`);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    ['connect-src', "'self'", ...connectSources, 'https:'].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** Paths the SPA fallback never answers: API errors stay JSON, a missing asset stays a 404. */
const NOT_APP_PATHS = ['/api/', '/assets/'];

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes('text/html');
}

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dashboard not built</title></head>
<body><main><h1>The dashboard is not built</h1>
<p>This server has no built web app to serve. Run <code>npm run build</code>, then reload this page.</p>
</main></body></html>
`;

export async function registerDashboardAssets(app: FastifyInstance, options: DashboardAssetsOptions): Promise<void> {
  const distDir = resolve(options.distDir);
  // A function when the sources are known only once the server listens (PORT=0: the tenants' port).
  const sources = options.connectSources;
  const cspNow = () => dashboardCsp(typeof sources === 'function' ? sources() : sources);
  const isDashboardRequest = options.isDashboardRequest;

  await app.register(fastifyStatic, {
    root: join(distDir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    wildcard: true,
    dotfiles: 'deny',
    cacheControl: false,
    // The build writes .br and .gz beside each text asset (dashboard/vite.config.ts).
    preCompressed: true,
    // The folder appears with the first build; a server started before it serves it from then on.
    suppressWarning: true,
    schemaHide: true,
    // Other hosts get the usual not-found answer for /assets/*.
    allowedPath: (_path, _root, request) => isDashboardRequest(request),
    setHeaders: (reply) => {
      reply.header('cache-control', ASSETS_CACHE_CONTROL);
    },
  });

  const sendIndex = async (reply: FastifyReply): Promise<FastifyReply> => {
    const csp = cspNow();
    let html: string;
    try {
      // Read at each navigation (a few hundred bytes): a rebuild takes effect without a restart.
      html = await readFile(join(distDir, 'index.html'), 'utf8');
    } catch {
      return reply
        .code(503)
        .headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': csp })
        .send(MISSING_BUILD_PAGE);
    }
    return reply
      .code(200)
      .headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': csp })
      .send(html);
  };

  // A hook rather than a not-found handler: the server keeps its own (one per instance), and this
  // runs only for requests it would get (`is404`), after every onRequest hook (tenant resolution).
  app.addHook('preHandler', async (request, reply) => {
    if (!request.is404 || request.method !== 'GET') return;
    const path = request.url.split('?')[0] ?? '/';
    if (NOT_APP_PATHS.some((prefix) => path.startsWith(prefix))) return;
    if (!wantsHtml(request) || !isDashboardRequest(request)) return;
    return sendIndex(reply);
  });
}
