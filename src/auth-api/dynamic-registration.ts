/**
 * `POST /oidc/register`: OpenID Connect Dynamic Client Registration, open (no token), while the
 * tenant's `flags.enable_dynamic_client_registration` is on (the feature `dynamicClientRegistration`;
 * discovery lists `registration_endpoint` only then). Off, the endpoint answers 403 `access_denied`.
 *
 * The body (JSON, 16 KiB at most, nested at most as deep as any JSON body) is read by
 * domain/clients/dynamic-registration.ts and created through ClientService.create: a third-party
 * application under the Management API's own rules. Registrations that pass validation are counted
 * in hour-long windows (the rate-limit store, Redis when configured): per client address (IPv6 by
 * /64) and per tenant, so that nobody can fill a tenant with applications; over either, 429
 * `too_many_requests`. The per-minute Authentication API limits apply before that, to every request.
 * The hourly windows slow a flood; the total is capped too: a tenant holding the configured number
 * of third-party applications (`DCR_MAX_THIRD_PARTY_APPLICATIONS`, 10,000 by default; counted on an
 * index, migration 026) takes no more registrations — 403 `access_denied`, as when registration is
 * off, in RFC 7591's error format. Two registrations racing past the count may both land: the cap
 * can be exceeded by the requests in flight at that moment, never by more (the hourly windows hold).
 * Each outcome is logged as Auth0 logs API operations, `sapi` / `fapi` ("Dynamic Client Registration").
 * Servers and tools call it, so no CORS.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { AuthApiError } from '../http/errors.js';
import { tenantFeatures } from '../domain/tenants/features.js';
import { REGISTRATION_BODY_LIMIT_BYTES, asRegistrationError, parseRegistration, registrationResponse } from '../domain/clients/dynamic-registration.js';
import { addressBucket } from './rate-limit/buckets.js';
import type { RateLimitStore } from './rate-limit/store.js';

export const REGISTRATION_PATH = '/oidc/register';
/** Registrations a client address may make per tenant in an hour. */
export const REGISTRATIONS_PER_ADDRESS_PER_HOUR = 10;
/** Registrations a tenant accepts in an hour, from every address together. */
export const REGISTRATIONS_PER_TENANT_PER_HOUR = 200;
const DESCRIPTION = 'Dynamic Client Registration';

export const dynamicRegistrationEndpoint: FastifyPluginAsync<{ services: Services; quotas: RateLimitStore; maxThirdPartyApplications: number }> = async (app, { services, quotas, maxThirdPartyApplications }) => {
  app.post(REGISTRATION_PATH, { bodyLimit: REGISTRATION_BODY_LIMIT_BYTES }, async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const tenant = request.tenant;
    if (!tenantFeatures(tenant.settings).dynamicClientRegistration) {
      throw new AuthApiError(403, 'access_denied', 'Dynamic Client Registration is disabled for this tenant.');
    }
    if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
      throw new AuthApiError(400, 'invalid_client_metadata', 'The request body must be application/json.');
    }
    try {
      const registration = parseRegistration(request.body);
      await countRegistration(quotas, tenant.id, addressBucket(request.ip), services.clock.now());
      // After the hourly windows, so the count is read at most as often as they allow.
      if ((await services.clients.countThirdParty(tenant.id)) >= maxThirdPartyApplications) {
        throw new AuthApiError(403, 'access_denied', `The tenant holds the most third-party applications it may (${maxThirdPartyApplications}); no more can be registered.`);
      }
      const client = await services.clients.create(tenant.id, tenant.name, registration.input);
      request.audit('sapi', { description: DESCRIPTION, client, details: { request: { method: 'post', path: REGISTRATION_PATH }, client_id: client.client_id, client_name: client.name } });
      return reply.code(201).send(registrationResponse(client, registration, Math.floor(services.clock.now() / 1000)));
    } catch (error) {
      const refusal = asRegistrationError(error);
      if (!refusal) throw error;
      request.audit('fapi', { description: `${DESCRIPTION}: ${refusal.description}`.slice(0, 500), details: { request: { method: 'post', path: REGISTRATION_PATH }, error: refusal.error } });
      throw new AuthApiError(400, refusal.error, refusal.description);
    }
  });
};

async function countRegistration(quotas: RateLimitStore, tenantId: string, address: string, now: number): Promise<void> {
  for (const [key, limit] of [[`dcr:${tenantId}:${address}`, REGISTRATIONS_PER_ADDRESS_PER_HOUR], [`dcr:${tenantId}`, REGISTRATIONS_PER_TENANT_PER_HOUR]] as const) {
    const hit = await quotas.hit(key);
    if (hit.count > limit) {
      const retryAfter = String(Math.max(1, Math.ceil((hit.resetAt - now) / 1000)));
      throw new AuthApiError(429, 'too_many_requests', 'Too many applications registered; try again later.', {}, { 'retry-after': retryAfter });
    }
  }
}

