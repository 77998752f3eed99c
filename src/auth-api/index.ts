/**
 * The Authentication API: one module per endpoint. Its hooks (CORS, rate limits) are registered
 * apart, by the server, on a context that also holds the hosted login pages, which they cover too.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { discoveryRoutes } from './discovery.js';
import { jwksRoute } from './jwks.js';
import { appLinkRoutes } from './app-links.js';
import { signingCertificateRoutes } from './signing-certificates.js';
import { tokenEndpoint } from './token/token-endpoint.js';
import { authorizeEndpoint } from './authorize/authorize-endpoint.js';
import { userinfoEndpoint } from './userinfo.js';
import { revokeEndpoint } from './revoke.js';
import { parEndpoint } from './par.js';
import { deviceCodeEndpoint } from './device/device-code-endpoint.js';
import { bcAuthorizeEndpoint, BC_AUTHORIZE_PATH } from './ciba/bc-authorize.js';
import { cibaApproveRoutes } from './ciba/approve.js';
import { dynamicRegistrationEndpoint } from './dynamic-registration.js';
import type { RateLimitStore } from './rate-limit/store.js';
import { logoutEndpoints } from './logout.js';
import { registerCors } from './cors.js';
import { crossOriginRoutes, registerCrossOriginCors } from './cross-origin/index.js';
import { lockClientScript } from './lock-client.js';
import { passwordlessRoutes } from './passwordless/index.js';
import { dbConnectionRoutes } from './db-connections.js';
import { wsFedEndpoint } from './wsfed/wsfed-endpoint.js';
import { registerRateLimits } from './rate-limit/rate-limit-hooks.js';
import type { RateLimiter } from './rate-limit/limiter.js';
import { refuseOtherMethods } from '../http/method-not-allowed.js';
import { PAR_PATH } from './par.js';
import { DEVICE_CODE_PATH } from './device/device-code-endpoint.js';
import { REGISTRATION_PATH } from './dynamic-registration.js';

/**
 * The endpoints that take POST only (the rest answer GET, or GET and POST): any other method is a
 * 405 naming POST (http/method-not-allowed.ts), not a 404 as for a path that does not exist.
 */
const POST_ONLY_PATHS = ['/oauth/token', '/oauth/revoke', PAR_PATH, DEVICE_CODE_PATH, REGISTRATION_PATH, BC_AUTHORIZE_PATH] as const;

export { resumeInteraction } from './authorize/resume.js';
export { activateRoutes } from './device/activate.js';

/** CORS, then rate limits: after CORS, so that a 429 carries the CORS headers a browser needs to read it. */
export function registerAuthenticationApiHooks(app: FastifyInstance, services: Services, rateLimiter: RateLimiter | undefined): void {
  registerCors(app, services);
  registerCrossOriginCors(app, services);
  if (rateLimiter) registerRateLimits(app, services, rateLimiter);
}

export interface AuthenticationApiOptions {
  services: Services;
  /** Whether a client certificate can reach this server at all (discovery.ts): an mTLS listener or a trusted edge list. */
  clientCertificates: boolean;
  /** Hour-long windows of the rate-limit store: dynamic client registrations per address and tenant, device and CIBA requests. */
  quotas: RateLimitStore;
  /** Dynamic Client Registration's cap of third-party applications per tenant (config `dcrMaxThirdPartyApplications`). */
  maxThirdPartyApplications: number;
}

export const authenticationApi: FastifyPluginAsync<AuthenticationApiOptions> = async (app, { services, clientCertificates, quotas, maxThirdPartyApplications }) => {
  await app.register(discoveryRoutes, { services, clientCertificates });
  await app.register(jwksRoute, { services });
  await app.register(appLinkRoutes, { services });
  await app.register(signingCertificateRoutes, { services });
  await app.register(tokenEndpoint, { services });
  await app.register(authorizeEndpoint, { services });
  await app.register(userinfoEndpoint, { services });
  await app.register(revokeEndpoint, { services });
  await app.register(parEndpoint, { services });
  await app.register(deviceCodeEndpoint, { services, quotas });
  await app.register(bcAuthorizeEndpoint, { services, quotas });
  await app.register(cibaApproveRoutes, { services });
  await app.register(dynamicRegistrationEndpoint, { services, quotas, maxThirdPartyApplications });
  await app.register(logoutEndpoints, { services });
  await app.register(crossOriginRoutes, { services });
  await app.register(lockClientScript, { services });
  await app.register(passwordlessRoutes, { services });
  await app.register(dbConnectionRoutes, { services });
  await app.register(wsFedEndpoint, { services });
  for (const path of POST_ONLY_PATHS) refuseOtherMethods(app, path);
};
