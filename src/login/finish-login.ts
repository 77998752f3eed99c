/**
 * The end of a hosted login, signup or passwordless code: the login is counted (and an imported
 * weak password hash upgraded), the interaction is finished with who logged in and how, and handed
 * back to the protocol, which starts the SSO session and answers the application.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { LoginUser } from '../domain/users/user-service.js';
import type { BrowserInteraction } from '../http/login-cookies.js';
import { expired } from '../pages/refusals.js';
import type { ResumeInteraction } from './form.js';

export async function finishLogin(
  services: Services,
  resume: ResumeInteraction,
  request: FastifyRequest,
  reply: FastifyReply,
  browser: BrowserInteraction,
  done: { connection: string; login: LoginUser; amr: string[]; /** The password just checked: lets `recordLogin` upgrade an imported weak hash. */ password?: string },
): Promise<FastifyReply> {
  const tenant = request.tenant;
  await services.users.recordLogin(done.login, { ip: request.ip, ...(done.password !== undefined ? { password: done.password } : {}) });
  const finished = await services.interactions.finish(tenant.id, browser, { type: 'logged_in', result: { userId: done.login.user.user_id, amr: done.amr, connection: done.connection } });
  if (!finished) return expired(reply, request);
  return resume(request, reply, browser.id);
}
