/**
 * Gives every request its `request.audit` (http/audit.ts): once the tenant is resolved from the
 * Host, events are recorded for that tenant with the request's IP address and User-Agent header
 * ('' when absent, so every event from a request carries `user_agent`).
 *
 * The caller's identity (a Management API token's application or user) is not a default: the
 * Management API's routes also log domain events on a user's behalf (`svr`, `ublkdu`) that carry
 * no `client_id`, so its `sapi`/`fapi` hook names the application itself.
 *
 * IP and user agent are read here, up front: an event may be recorded after the reply (a
 * background email), when the socket the address is read from may be closed.
 */
import type { FastifyInstance } from 'fastify';
import type { LogService } from '../domain/logs/log-service.js';
import type { Audit } from '../http/audit.js';

/** Before tenant resolution (or on a tenantless route) there is no tenant to log for: a bug, said loudly. */
const noTenantAudit: Audit = (type) => {
  throw new Error(`request.audit('${type}') called on a request without a tenant`);
};

export function registerAudit(app: FastifyInstance, logs: LogService): void {
  app.decorateRequest('audit', noTenantAudit);
  // Runs after tenant resolution's onRequest hook, which is registered before it.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.tenant) {
      request.audit = logs.auditor({ tenantId: request.tenant.id, ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '') });
    }
    done();
  });
}
