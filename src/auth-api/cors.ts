/**
 * CORS for the Authentication API endpoints browsers call directly (token, userinfo, revoke,
 * passwordless start, database signup and change_password):
 * an origin is allowed when some application of the tenant lists it in Allowed Origins (CORS) or
 * Allowed Web Origins, or has a callback on it (docs: "Configure Cross-Origin Resource Sharing");
 * a URL with a `{custom_domain.metadata.KEY}` placeholder counts on the custom domain that resolves it.
 * Credentials are allowed, so the answer always names the origin, never `*`. A disallowed
 * preflight gets Auth0's plain 403 `Origin https://x is not allowed.`
 *
 * Third-party applications' origins count only on the token, userinfo and revoke endpoints, where
 * the application itself is what the request is about. Since Dynamic Client Registration lets anyone
 * create a third-party application, counting its callbacks everywhere would let any site drive signup,
 * password-change and passwordless mail for every application of the tenant from its visitors' browsers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { EntityCache } from '../storage/cache/entity-cache.js';
import { hasPlaceholder, resolvePlaceholders, urlMatches } from '../domain/clients/url-rules.js';
import { CLIENT_KIND } from '../domain/clients/client.js';

export const CORS_PATHS = ['/oauth/token', '/userinfo', '/oauth/revoke', '/passwordless/start', '/dbconnections/signup', '/dbconnections/change_password'];
/** Where a third-party application's origins count too. */
const THIRD_PARTY_CORS_PATHS = new Set(['/oauth/token', '/userinfo', '/oauth/revoke']);

interface OriginSet {
  exact: Set<string>;
  wildcards: string[];
}

const ALLOWED_HEADERS = 'Authorization, Content-Type, Auth0-Client, Auth0-Forwarded-For, X-Requested-With';

export function registerCors(app: FastifyInstance, services: Services): void {
  // `placeholders`: URLs as listed, resolved per request on the host it came on.
  const origins = new EntityCache<{ firstParty: OriginSet; thirdParty: OriginSet; placeholders: string[] }>(CLIENT_KIND, services.bus, { perTenant: true, max: 5_000 });

  async function allowed(request: FastifyRequest, origin: string, path: string): Promise<boolean> {
    const tenantId = request.tenant.id;
    const set = await origins.get(tenantId, 'origins', async () => {
      const { items } = await services.clients.list(tenantId, request.tenant.name, {}, { offset: 0, limit: 100_000 });
      const firstParty: OriginSet = { exact: new Set(), wildcards: [] };
      const thirdParty: OriginSet = { exact: new Set(), wildcards: [] };
      const placeholders: string[] = [];
      for (const client of items) {
        const { exact, wildcards } = client.is_first_party ? firstParty : thirdParty;
        for (const url of [...client.allowed_origins, ...client.web_origins, ...client.callbacks]) {
          // Third-party applications' placeholders resolve to nothing (url-rules.ts placeholdersFor).
          if (hasPlaceholder(url)) {
            if (client.is_first_party) placeholders.push(url);
          }
          else if (url.includes('{')) continue;
          else if (url.includes('*')) wildcards.push(originOf(url));
          else exact.add(originOf(url));
        }
      }
      return { firstParty, thirdParty, placeholders };
    });
    const listed = (origins: OriginSet) => origins.exact.has(origin) || origins.wildcards.some((pattern) => urlMatches(pattern, origin));
    if (listed(set!.firstParty) || (THIRD_PARTY_CORS_PATHS.has(path) && listed(set!.thirdParty))) return true;
    return set!.placeholders.some((url) => {
      const resolved = resolvePlaceholders(url, request.urlPlaceholders);
      return resolved !== undefined && originOf(resolved) === origin;
    });
  }

  const decorate = (reply: FastifyReply, origin: string) =>
    reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');

  for (const path of CORS_PATHS) {
    app.options(path, async (request, reply) => {
      const origin = request.headers.origin;
      if (!origin || !(await allowed(request, origin, path))) {
        return reply.code(403).header('content-type', 'text/plain; charset=utf-8').send(`Origin ${origin ?? '(none)'} is not allowed.`);
      }
      return decorate(reply, origin)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '86400')
        .code(204)
        .send();
    });
  }

  // Synchronous when there is nothing to do: this hook sees every Authentication API request.
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    const path = request.url.split('?')[0] ?? '';
    if (!origin || request.method === 'OPTIONS' || !CORS_PATHS.includes(path)) return done();
    allowed(request, origin, path).then((ok) => {
      if (ok) decorate(reply, origin);
      done();
    }, done);
  });
}

function originOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)/i.exec(url);
  return match ? match[1]!.toLowerCase() : url;
}
