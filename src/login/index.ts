/**
 * The hosted pages (server-rendered HTML): login, signup, passwordless codes, password reset,
 * consent, unblock, email verification. The login and consent pages work on interactions
 * (domain/interactions): they read one (`details`), finish it with what the user did, and hand it
 * back to the protocol through `resume` (HostedPageOptions), which the server wires.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { HostedPageOptions } from './form.js';
import { loginRoutes } from './login-routes.js';
import { signupRoutes } from './signup-routes.js';
import { passwordlessRoutes } from './passwordless-routes.js';
import { passwordResetRoutes } from './password-reset-routes.js';
import { consentRoutes } from './consent-routes.js';
import { unblockRoutes } from './unblock-routes.js';
import { emailVerificationRoutes } from './email-verification-routes.js';

export type { HostedPageOptions, ResumeInteraction } from './form.js';

export const hostedPages: FastifyPluginAsync<HostedPageOptions> = async (app, options) => {
  await app.register(loginRoutes, options);
  await app.register(signupRoutes, options);
  await app.register(passwordlessRoutes, options);
  await app.register(passwordResetRoutes, options);
  await app.register(consentRoutes, options);
  await app.register(unblockRoutes, { services: options.services });
  await app.register(emailVerificationRoutes, { services: options.services });
};
