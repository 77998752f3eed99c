/**
 * Which origins may call `/co/authenticate`, and the CORS answers for it.
 *
 * An application's embedded login form may post credentials from the origins in its Allowed Web
 * Origins — exact origins only: the cross-origin authentication docs allow no wildcards there — and
 * its Allowed Origins (CORS), which follow the usual subdomain wildcard rules; in both, a
 * `{custom_domain.metadata.KEY}` placeholder counts on the custom domain that resolves it. Callback URLs alone
 * do not qualify (unlike for `/oauth/token`): the docs ask for the origin in Allowed Web Origins.
 *
 * A preflight carries no body, so it cannot name the application: it is answered for the origins
 * of every application of the tenant, whether or not it allows cross-origin authentication, and
 * the request itself is then checked against its own application (co-authenticate.ts). Responses
 * to such an origin, errors included, carry the CORS headers with credentials (the verifier cookie
 * must be stored), so that auth0.js and Lock can read the error table's answers — among them the
 * 401 "Cross origin login not allowed." of an application that has cross-origin authentication
 * off, which a refused preflight would turn into a bare network error. An origin no application
 * lists, or one the named application does not list, gets Auth0's plain 403
 * `Origin https://x is not allowed.` and no CORS headers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import { CLIENT_KIND, type Client } from '../../domain/clients/client.js';
import { hasPlaceholder, placeholdersFor, resolvePlaceholders, urlMatches, type UrlPlaceholders } from '../../domain/clients/url-rules.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';

export const CO_AUTHENTICATE_PATH = '/co/authenticate';

/** What auth0.js and Lock send: JSON bodies, telemetry in `Auth0-Client`. */
const ALLOWED_HEADERS = 'Content-Type, Auth0-Client, X-Requested-With';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

interface OriginRules {
  exact: Set<string>;
  wildcards: string[];
  /** URLs as listed, with placeholders: resolved per request, on the host it came on. */
  placeholders: string[];
}

const noRules = (): OriginRules => ({ exact: new Set(), wildcards: [], placeholders: [] });

/** The origins an application's embedded login may run on. */
function rulesOf(client: Client, rules: OriginRules = noRules()): OriginRules {
  // Third-party applications' placeholders resolve to nothing (url-rules.ts placeholdersFor).
  const placeholders = client.is_first_party ? rules.placeholders : [];
  for (const url of client.web_origins) {
    if (hasPlaceholder(url)) placeholders.push(url);
    else if (!url.includes('*') && !url.includes('{')) rules.exact.add(originOf(url));
  }
  for (const url of client.allowed_origins) {
    if (hasPlaceholder(url)) placeholders.push(url);
    else if (url.includes('{')) continue;
    else if (url.includes('*')) rules.wildcards.push(originOf(url));
    else rules.exact.add(originOf(url));
  }
  return rules;
}

function matches(rules: OriginRules, origin: string, values: UrlPlaceholders): boolean {
  const presented = origin.toLowerCase();
  if (rules.exact.has(presented) || rules.wildcards.some((pattern) => urlMatches(pattern, presented))) return true;
  return rules.placeholders.some((url) => {
    const resolved = resolvePlaceholders(url, values);
    return resolved !== undefined && originOf(resolved) === presented;
  });
}

/** True when `origin` may run `client`'s embedded login on a request whose placeholders are `values`. */
export const originAllowedFor = (client: Client, origin: string, values: UrlPlaceholders): boolean => matches(rulesOf(client), origin, values);

export function notAllowedOrigin(reply: FastifyReply, origin: string | undefined): FastifyReply {
  reply.removeHeader('access-control-allow-origin');
  reply.removeHeader('access-control-allow-credentials');
  return reply.code(403).header('content-type', 'text/plain; charset=utf-8').send(`Origin ${origin ?? '(none)'} is not allowed.`);
}

export function registerCrossOriginCors(app: FastifyInstance, services: Services): void {
  const tenantOrigins = new EntityCache<OriginRules>(CLIENT_KIND, services.bus, { perTenant: true, max: 5_000 });

  async function allowedInTenant(request: FastifyRequest, origin: string): Promise<boolean> {
    const tenant = request.tenant;
    const rules = await tenantOrigins.get(tenant.id, 'co-origins', async () => {
      const { items } = await services.clients.list(tenant.id, tenant.name, {}, { offset: 0, limit: 100_000 });
      const all = noRules();
      for (const client of items) rulesOf(client, all);
      return all;
    });
    return matches(rules!, origin, request.urlPlaceholders);
  }

  const decorate = (reply: FastifyReply, origin: string) =>
    reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');

  app.options(CO_AUTHENTICATE_PATH, async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !(await allowedInTenant(request, origin))) return notAllowedOrigin(reply, origin);
    return decorate(reply, origin)
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
      .code(204)
      .send();
  });

  // Before the body is parsed, so that parser errors (malformed JSON, 413) are readable too.
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (!origin || request.method !== 'POST' || request.url.split('?')[0] !== CO_AUTHENTICATE_PATH) return done();
    allowedInTenant(request, origin).then((ok) => {
      if (ok) decorate(reply, origin);
      done();
    }, done);
  });
}

function originOf(url: string): string {
  try {
    const origin = new URL(url).origin;
    if (origin !== 'null') return origin.toLowerCase();
  } catch {
    // not a URL: compared as written
  }
  return url.toLowerCase();
}
