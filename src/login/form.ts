/**
 * What every hosted page shares: its options (the services, and the protocol's `resume` that takes
 * a finished interaction back), loading the interaction of this browser, and the database
 * connection a login works with. Form fields, CSRF and Origin checks are in http/forms.ts; error
 * pages in pages/.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Tenant } from '../domain/tenants/tenant-service.js';
import type { Connection } from '../domain/connections/connection.js';
import type { AuthorizationRequest } from '../domain/oidc/authorization-request.js';
import type { Interaction } from '../domain/interactions/interaction.js';
import { browserInteraction, type BrowserInteraction } from '../http/login-cookies.js';
import { connectionEnabledFor, type ConnectionUser } from '../domain/connections/connection.js';
import { isStrategyKind } from '../domain/connections/strategies/registry.js';

export const DEFAULT_DATABASE_CONNECTION = 'Username-Password-Authentication';

/**
 * Hands a finished interaction back to the protocol that opened it, with the page's own request:
 * the protocol answers the browser (the application's callback, or the next page). The server
 * wires it (for `/authorize`: auth-api/authorize/resume.ts); the pages never name the protocol.
 */
export type ResumeInteraction = (request: FastifyRequest, reply: FastifyReply, interactionId: string) => Promise<FastifyReply>;

export interface HostedPageOptions {
  services: Services;
  resume: ResumeInteraction;
}

/** The interaction behind `state`, if it is live and was started by this browser (its binding cookie). */
export async function loadInteraction(services: Services, request: FastifyRequest, state: string | undefined): Promise<{ browser: BrowserInteraction; interaction: Interaction } | undefined> {
  if (!state) return undefined;
  const browser = browserInteraction(request, state);
  const interaction = await services.interactions.details(request.tenant.id, browser);
  return interaction ? { browser, interaction } : undefined;
}

/** The interaction behind `state` while it waits for a login page; undefined otherwise. */
export async function loadLogin(services: Services, request: FastifyRequest, state: string | undefined): Promise<{ browser: BrowserInteraction; interaction: Interaction } | undefined> {
  const loaded = await loadInteraction(services, request, state);
  return loaded?.interaction.state === 'login_pending' ? loaded : undefined;
}

/**
 * The connection a login logs in with: the requested one, else the tenant's default directory.
 * An empty default directory is a cleared one (PATCH accepts "" to clear it), hence `||`.
 */
export const connectionNameOf = (tenant: Tenant, authorization: AuthorizationRequest): string =>
  authorization.connection ?? (tenant.settings.default_directory || DEFAULT_DATABASE_CONNECTION);

/** The database connection `name`, when it exists and is enabled for the application. */
export async function databaseConnectionFor(services: Services, tenantId: string, name: string, client: ConnectionUser): Promise<Connection | undefined> {
  const connection = await services.connections.findByName(tenantId, name);
  return connection && isStrategyKind(connection.strategy, 'database') && connectionEnabledFor(connection, client) ? connection : undefined;
}

/** Auth0's messages without their prefixes: "PasswordStrengthError: Password is too weak" reads "Password is too weak." */
export function userFacingProblem(message: string): string {
  const text = message.replace(/^Payload validation error: /, '').replace(/^[A-Za-z]+Error: /, '').replace(/\.$/, '');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
