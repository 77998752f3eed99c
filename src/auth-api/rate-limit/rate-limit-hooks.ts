/**
 * Rate limits on the Authentication API, as Auth0 answers them: every limited response carries
 * `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset` (UNIX seconds when the window
 * ends and the whole limit is available again), and a request over a limit gets a 429 with
 * `{"error":"too_many_requests","error_description":"Global limit has been reached"}` and
 * `retry-after` — or, for a browser asking for a page, the tenant's error page with status 429.
 *
 * Two buckets, both per tenant (one tenant's traffic never spends another's budget):
 * - the client address, counted in onRequest, before the body is parsed, so a flood is turned away
 *   at the lowest cost;
 * - the application named by `client_id` in the body or by HTTP Basic credentials, counted in
 *   preHandler, once the body is parsed.
 * The headers describe the bucket closest to its limit (the exceeded one on a 429). Registered inside
 * the Authentication API plugin, so the Management API and /healthz are not counted; CORS
 * preflights are not counted either (and the CORS hook runs first, so a 429 still carries the
 * CORS headers a browser needs to read it). The first request over a limit in each window records an
 * `api_limit` tenant log event.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Services } from '../../domain/services.js';
import { AuthApiError } from '../../http/errors.js';
import { renderErrorPage } from '../../pages/html.js';
import type { RateLimiter } from './limiter.js';
import { WINDOW_MS, type WindowHit } from './store.js';
import { addressBucket, clientIdOf } from './buckets.js';

const DESCRIPTION = 'Global limit has been reached';
const EXPOSED = 'retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset';

type Bucket = 'ip' | 'client';

export function registerRateLimits(app: FastifyInstance, services: Services, limiter: RateLimiter): void {
  const { store, ipPerMinute, clientPerMinute } = limiter;

  /** Applies one counted hit: headers, then either the next hook or the 429. */
  function settle(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, hit: WindowHit, limit: number, bucket: Bucket): void {
    const remaining = Math.max(0, limit - hit.count);
    const current = reply.getHeader('x-ratelimit-remaining');
    // The first bucket always reports; a later one only when it is closer to its limit.
    if (current === undefined || remaining < Number(current) || hit.count > limit) {
      reply.header('x-ratelimit-limit', limit).header('x-ratelimit-remaining', remaining).header('x-ratelimit-reset', Math.ceil(hit.resetAt / 1000));
    }
    if (hit.count <= limit) return done();
    if (hit.count === limit + 1) logLimit(request, bucket, limit);
    reject(request, reply, done, hit);
  }

  function reject(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, hit: WindowHit): void {
    reply.header('retry-after', Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000)));
    // A page's script may read the body with the CORS headers alone; when to retry needs these too.
    if (reply.hasHeader('access-control-allow-origin')) reply.header('access-control-expose-headers', EXPOSED);
    // A browser navigating to a page (authorize, hosted login) gets a page, as on Auth0.
    if (request.headers.accept?.includes('text/html')) {
      void renderErrorPage(reply, request.tenant, 'too_many_requests', DESCRIPTION, 429);
      return;
    }
    // The server's error handler answers it in the Authentication API's format, headers above kept.
    done(new AuthApiError(429, 'too_many_requests', DESCRIPTION));
  }

  function logLimit(request: FastifyRequest, bucket: Bucket, limit: number): void {
    const clientId = bucket === 'client' ? clientIdOf(request) : undefined;
    request.audit('api_limit', {
      description: bucket === 'ip' ? 'Rate limit exceeded for a client IP address' : 'Rate limit exceeded for an application',
      ...(clientId ? { clientId } : {}),
      details: { bucket, limit, window_seconds: WINDOW_MS / 1000, path: request.url.split('?')[0] },
    });
  }

  function count(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, key: string, limit: number, bucket: Bucket): void {
    const hit = store.hit(key);
    if (hit instanceof Promise) hit.then((h) => settle(request, reply, done, h, limit, bucket), done);
    else settle(request, reply, done, hit, limit, bucket);
  }

  if (ipPerMinute > 0) {
    app.addHook('onRequest', (request, reply, done) => {
      if (request.method === 'OPTIONS' || !request.tenant) return done();
      count(request, reply, done, `ip:${request.tenant.id}:${addressBucket(request.ip)}`, ipPerMinute, 'ip');
    });
  }
  if (clientPerMinute > 0) {
    app.addHook('preHandler', (request, reply, done) => {
      if (request.method === 'OPTIONS' || !request.tenant) return done();
      const clientId = clientIdOf(request);
      if (clientId === undefined) return done();
      count(request, reply, done, `client:${request.tenant.id}:${clientId}`, clientPerMinute, 'client');
    });
  }
}
