/**
 * Assembles the HTTP server: parsers, limits, tenant resolution, security headers, errors,
 * then the Authentication API, the hosted login pages and the Management API as plugins that own
 * their routes. The hosted pages hand finished interactions back to the Authentication API through
 * the `resume` function wired here, so neither imports the other.
 */
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import formBody from '@fastify/formbody';
import type { Config } from '../config/config.js';
import type { Services } from '../domain/services.js';
import { validatorCompiler } from './validation.js';
import { DeferredCompilations } from '../http/deferred-compilation.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerTenantResolution } from './tenant-resolution.js';
import { proxyTrust } from './client-ip-header.js';
import { clientCertificatesCanArrive, edgeTrust, registerClientCertificate } from './client-certificate.js';
import { registerAudit } from './audit.js';
import { registerDashboardAssets } from './dashboard-assets.js';
import { fileURLToPath } from 'node:url';
import { registerRequestBounds } from './request-bounds.js';
import { registerJsonBodyParser } from './json-body.js';
import { drainRequestBody } from './body-drain.js';
import { sendError } from './errors.js';
import { AuthApiError, ManagementApiError, isManagementApiPath } from '../http/errors.js';
import { authenticationApi, registerAuthenticationApiHooks, resumeInteraction, activateRoutes } from '../auth-api/index.js';
import { hostedPages } from '../login/index.js';
import { managementApi } from '../management-api/index.js';
import { CONTROL_API_PREFIX, controlApi } from '../control-api/index.js';
import { registerOpenApi } from '../management-api/openapi.js';
import { createRateLimiter, createWindowStore } from '../auth-api/rate-limit/limiter.js';
import './request-context.js';

export interface BuildOptions {
  /** The built dashboard (`dist/dashboard` beside the compiled server unless a test gives its own). */
  dashboardDir?: string;
}

export async function buildServer(config: Config, services: Services, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    ...(config.tls ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
    // Path parameters may be API identifiers (URLs up to 600 characters): GET /resource-servers/{id}.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 600 },
    // Per-request access logs only when debugging: at production rates they cost more than the request.
    // Malformed URLs are rejected by the router before any hook runs; answer them in our formats too.
    frameworkErrors: (error, request, reply) => {
      sendError(error, request, reply);
    },
    logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
  });

  const compilations = new DeferredCompilations();
  app.decorate('compileDeferredSchemas', () => compilations.compileAll());
  app.setValidatorCompiler(validatorCompiler(compilations));
  registerJsonBodyParser(app, config.bodyLimitBytes);
  await app.register(formBody, { bodyLimit: config.bodyLimitBytes });
  registerSecurityHeaders(app);
  registerRequestBounds(app);
  const trust = proxyTrust(config.trustProxy);
  registerTenantResolution(app, services.tenants, trust);
  registerClientCertificate(app, edgeTrust(config.trustProxy));
  registerAudit(app, services.logs);
  // The dashboard web app, on the admin host only; it calls each tenant's /api/v2 on the tenants' hosts.
  await registerDashboardAssets(app, {
    distDir: options.dashboardDir ?? fileURLToPath(new URL('../dashboard', import.meta.url)),
    isDashboardRequest: (request) => request.tenant?.kind === 'admin',
    connectSources: () => [services.tenants.publicOrigin.originFor(`*.${config.baseDomain}`)],
  });

  app.setErrorHandler(async (error, request, reply) => {
    // Let a client still sending an over-long body finish, so it can read the 413 (body-drain.ts).
    if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') await drainRequestBody(request.raw);
    return sendError(error, request, reply);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = isManagementApiPath(request.url)
      ? new ManagementApiError(404, 'Not Found', 'not_found')
      : new AuthApiError(404, 'not_found', `Not found: ${request.method} ${request.url.split('?')[0]}`);
    return sendError(error, request, reply);
  });

  await registerOpenApi(app);
  app.get('/healthz', { config: { tenantless: true } }, async () => ({ status: 'ok' }));
  const rateLimiter = await createRateLimiter(config.rateLimits, config.redisUrl, app.log);
  app.addHook('onClose', () => rateLimiter.store.close());
  // Device user codes typed at /activate: minute windows on the services' clock (shared through Redis when configured).
  const activateAttempts = await createWindowStore(60_000, config.redisUrl, `${config.rateLimits.redisPrefix}activate:`, app.log, () => services.clock.now());
  app.addHook('onClose', () => activateAttempts.close());
  // Hour-long windows, one store each: anonymous registrations (Dynamic Client Registration) must not
  // be able to push the control plane's quotas out of a full in-memory store.
  const registrationQuotas = await createWindowStore(60 * 60_000, config.redisUrl, `${config.rateLimits.redisPrefix}registration:`, app.log, () => services.clock.now());
  app.addHook('onClose', () => registrationQuotas.close());
  const controlQuotas = await createWindowStore(60 * 60_000, config.redisUrl, `${config.rateLimits.redisPrefix}quota:`, app.log, () => services.clock.now());
  app.addHook('onClose', () => controlQuotas.close());
  // One context for what browsers and applications call on the tenant's host: the Authentication
  // API's CORS and rate limits cover the hosted pages too.
  await app.register(async (authentication) => {
    registerAuthenticationApiHooks(authentication, services, rateLimiter);
    await authentication.register(authenticationApi, { services, clientCertificates: clientCertificatesCanArrive(config), quotas: registrationQuotas, maxThirdPartyApplications: config.dcrMaxThirdPartyApplications });
    await authentication.register(hostedPages, { services, resume: resumeInteraction(services) });
    await authentication.register(activateRoutes, { services, attempts: activateAttempts });
  });
  await app.register(managementApi, { services, compilations, prefix: '/api/v2' });
  await app.register(controlApi, { services, csrfKey: services.dashboardCsrfKey, limiter: rateLimiter.store, quotas: controlQuotas, prefix: CONTROL_API_PREFIX });
  return app;
}
