/**
 * `request.audit(type, fields)`: how every layer records a tenant log event (Auth0 types `s`, `f`,
 * `sapi`, ...) for the request it serves. The server builds it for each request once the tenant is
 * known (server/audit.ts), from `LogService.auditor` (domain/logs/log-service.ts), so the tenant,
 * the caller's IP address and its user agent are filled in one place; a route names only what the
 * event is about. Domain functions that log on a request's behalf take an `Audit` parameter.
 *
 * Types only, plus the merge rule, so that any layer may use them (http/ is a leaf).
 */

/** What an event says beyond what its origin (tenant, IP, user agent) fills in. */
export interface AuditFields {
  description?: string;
  /** The application the event is about (`client_id`, `client_name`); `clientId`/`clientName` win over it. */
  client?: { client_id: string; name?: string };
  clientId?: string;
  clientName?: string;
  userId?: string;
  userName?: string;
  details?: Record<string, unknown>;
  audience?: string;
  scope?: string;
  /**
   * The end user's address when it is not the request's own: the one a backend names in
   * `auth0-forwarded-for` (auth-api/client-ip.ts), or attack protection's normalized form.
   */
  ip?: string;
}

/** Records one event of `type` for the request (or the origin) it was built for. */
export type Audit = (type: string, fields?: AuditFields) => void;

/** Where events come from: what an auditor fills in unless the event's fields say otherwise. */
export interface AuditOrigin {
  tenantId: string;
  ip?: string;
  /** The User-Agent header; '' when the request had none. */
  userAgent?: string;
  clientId?: string;
  clientName?: string;
  userId?: string;
}

/** The event fields an auditor records: the origin's values, overridden by the event's own. */
export interface AuditedEvent {
  type: string;
  description?: string;
  clientId?: string;
  clientName?: string;
  userId?: string;
  userName?: string;
  ip?: string;
  userAgent?: string;
  details?: Record<string, unknown>;
  audience?: string;
  scope?: string;
}

/** Merges an event's fields over its origin's defaults; a field left undefined keeps the default. */
export function auditedEvent(origin: AuditOrigin, type: string, fields: AuditFields = {}): AuditedEvent {
  return {
    type,
    description: fields.description,
    clientId: fields.clientId ?? fields.client?.client_id ?? origin.clientId,
    clientName: fields.clientName ?? fields.client?.name ?? origin.clientName,
    userId: fields.userId ?? origin.userId,
    userName: fields.userName,
    ip: fields.ip ?? origin.ip,
    userAgent: origin.userAgent,
    details: fields.details,
    audience: fields.audience,
    scope: fields.scope,
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Records a tenant log event with this request's tenant, IP address and user agent
     * (server/audit.ts). Calling it before the tenant is resolved throws: no event without a tenant.
     */
    audit: Audit;
  }
}
