/**
 * The SSO session as an application may reuse it: the browser's live session, its user existing
 * and not blocked, and the connection the session logged in with enabled for the application
 * (connectionEnabledFor, the rule its login page obeys). Otherwise there is no session for that
 * application — Auth0 shows the login page, and `prompt=none` answers login_required — so an
 * application never gets a user it could not have logged in. The one place `/authorize` and the
 * CIBA link's shortcut decide it.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { ConnectionUser } from '../../domain/connections/connection.js';
import type { Session } from '../../domain/sessions/session-service.js';
import type { User } from '../../domain/users/user.js';
import { readCookie } from '../../http/cookies.js';
import { SESSION_COOKIE } from '../../http/login-cookies.js';

export async function ssoSessionFor(services: Services, request: FastifyRequest, client: ConnectionUser): Promise<{ session: Session; user: User } | undefined> {
  const tenant = request.tenant;
  const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
  if (!session) return undefined;
  const user = await services.users.get(tenant.id, session.userId).catch(() => undefined);
  if (!user || user.blocked) return undefined;
  if (!(await services.connections.enabledForUser(tenant.id, client, user, session.connection))) return undefined;
  return { session, user };
}
