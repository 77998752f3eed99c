/**
 * `POST /oauth/device/code` (RFC 8628 §3.1): an application with the device code grant asks for a
 * device code and a user code. Public applications name themselves with `client_id` (native apps
 * are public by default, as on Auth0); confidential ones authenticate as at the token endpoint.
 * The user code follows the tenant's `device_flow` format; both codes live 900 s. Failures are
 * logged `fdeaz` (Auth0's "Failed device authorization request").
 *
 * Each application may start 100 authorizations an hour per address (a device asks once per
 * activation): a flood from a few addresses cannot fill the tenant's user code space. There is
 * deliberately no cap per application alone beyond the Authentication API's per-client rate
 * limit: a public application's client_id is public, so such a cap would let anyone lock the
 * application's real devices out for the hour.
 */
import type { FastifyPluginAsync } from 'fastify';
import { authorizationLookups } from '../authorize/authorization-requests.js';
import type { Services } from '../../domain/services.js';
import { AuthApiError } from '../../http/errors.js';
import { AuthorizationRedirectError } from '../../domain/oidc/authorization-request.js';
import { runLookupChecks } from '../../domain/oidc/authorization-checks/index.js';
import { DEVICE_CODE_GRANT } from '../../domain/clients/client.js';
import {
  DeviceCodeSpaceExhausted,
  asAuthorizationRequest,
  startDeviceAuthorization,
  verificationUri,
  type DeviceRequest,
} from '../../domain/oidc/device-authorization.js';
import { tokenParams } from '../token/token-request.js';
import { authenticateClient } from '../client-auth/authenticate-client.js';
import { grantNotAllowed } from '../token/grants/grant.js';
import { addressBucket } from '../../domain/attack-protection/address-bucket.js';
import type { RateLimitStore } from '../rate-limit/store.js';

export const DEVICE_CODE_PATH = '/oauth/device/code';
export const DEVICE_CODES_PER_CLIENT_AND_ADDRESS_PER_HOUR = 100;

/** As the token endpoint bounds a scope (a space-separated list of names). */
const MAX_SCOPE_LENGTH = 16 * 1024;

export const deviceCodeEndpoint: FastifyPluginAsync<{ services: Services; quotas: RateLimitStore }> = async (app, { services, quotas }) => {
  app.post(DEVICE_CODE_PATH, async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const tenant = request.tenant;
    const params = tokenParams(request);
    try {
      const { client } = await authenticateClient(services, request, params);
      if (!client.grant_types.includes(DEVICE_CODE_GRANT)) throw grantNotAllowed(DEVICE_CODE_GRANT);
      const hit = await quotas.hit(`device-code:${tenant.id}:${client.client_id}:${addressBucket(request.ip)}`);
      if (hit.count > DEVICE_CODES_PER_CLIENT_AND_ADDRESS_PER_HOUR) {
        const retryAfter = String(Math.max(1, Math.ceil((hit.resetAt - services.clock.now()) / 1000)));
        throw new AuthApiError(429, 'too_many_requests', 'Too many device authorization requests from this address; try again later.', {}, { 'retry-after': retryAfter });
      }
      const scope = params.scope ?? '';
      if (scope.length > MAX_SCOPE_LENGTH) throw new AuthApiError(400, 'invalid_scope', 'The scope parameter is too long.');
      const audience = params.audience || tenant.settings.default_audience || undefined;
      const device: DeviceRequest = { clientId: client.client_id, scope: scope.split(' ').filter(Boolean), issuer: request.issuer, ...(audience ? { audience } : {}) };
      const lookups = authorizationLookups(services, tenant.id);
      try {
        await runLookupChecks('device', asAuthorizationRequest(device), lookups, (error, description) => new AuthorizationRedirectError(error, description, { redirectUri: '', responseMode: 'query' }));
      } catch (error) {
        if (error instanceof AuthorizationRedirectError) throw new AuthApiError(error.error === 'access_denied' ? 403 : 400, error.error, error.description);
        throw error;
      }
      const issued = await startDeviceAuthorization(services.ttl, tenant.id, tenant.settings.device_flow, device).catch((error: unknown) => {
        if (error instanceof DeviceCodeSpaceExhausted) throw new AuthApiError(503, 'temporarily_unavailable', 'No user code is free for the tenant\'s device_flow mask; try again later.');
        throw error;
      });
      const uri = verificationUri(request.issuer);
      return reply.send({
        device_code: issued.deviceCode,
        user_code: issued.userCode,
        verification_uri: uri,
        expires_in: issued.expiresIn,
        interval: issued.interval,
        verification_uri_complete: `${uri}?user_code=${encodeURIComponent(issued.userCode)}`,
      });
    } catch (error) {
      if (error instanceof AuthApiError) {
        request.audit('fdeaz', {
          description: error.description,
          ...(params.client_id ? { clientId: params.client_id } : {}),
          ...(params.audience ? { audience: params.audience } : {}),
          ...(params.scope ? { scope: params.scope } : {}),
        });
      }
      throw error;
    }
  });
};
