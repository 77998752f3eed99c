/**
 * `GET /client/{client_id}.js`: the application's login configuration for Lock, which loads it as a
 * script (JSONP) from `https://{domain}/client/{client_id}.js?t{timestamp}` and expects it to call
 * `Auth0.setClient({...})` with an object whose `id` is the client id (Lock checks it) and whose
 * `strategies` list the connections enabled for the application, grouped by strategy:
 *
 * - `auth0` (database): `passwordPolicy` (none/low/fair/good/excellent), `password_complexity_options`
 *   (`min_length`), `showSignup`, `showForgot` (false with `disable_self_service_change_password`),
 *   `requires_username` and the username `validation`;
 * - `email` / `sms` (passwordless): the connection's name.
 *
 * Nothing secret is in it (Auth0 serves it from a CDN); it may be cached briefly, and it is loaded
 * from the application's page on another site, hence `Cross-Origin-Resource-Policy: cross-origin`.
 * An unknown application gets a 404, which makes the script fail to load: Lock reports that as an
 * unrecoverable error instead of waiting for a callback that never comes.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import type { Connection } from '../domain/connections/connection.js';
import { isStrategyKind, STRATEGY_NAMES } from '../domain/connections/strategies/registry.js';
import { selfServiceResetAllowed } from '../domain/password-reset/password-reset.js';

const CACHE_SECONDS = 60;
/** Lock's groups, in the order strategies are registered (database first). */
const STRATEGY_ORDER = STRATEGY_NAMES;

export const lockClientScript: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Params: { file: string } }>('/client/:file', async (request, reply) => {
    const tenant = request.tenant;
    const file = request.params.file;
    const clientId = file.endsWith('.js') ? file.slice(0, -3) : '';
    const client = clientId ? await services.clients.find(tenant.id, tenant.name, clientId) : null;
    reply.header('content-type', 'application/javascript; charset=utf-8').header('cross-origin-resource-policy', 'cross-origin');
    if (!client) return reply.code(404).header('cache-control', 'no-store').send('/* Unknown client. */\n');

    const enabled = await services.connections.enabledFor(tenant.id, client, STRATEGY_ORDER);
    const settings = clientSettings(client, tenant.name, request.issuer, enabled);
    const json = JSON.stringify(settings).replace(/</g, '\\u003c');
    return reply.header('cache-control', `public, max-age=${CACHE_SECONDS}`).send(`Auth0.setClient(${json});\n`);
  });
};

/** The object Lock's `initClient` reads, with the fields Auth0 sends besides (callback, authorize). */
export function clientSettings(client: Client, tenantName: string, issuer: string, connections: Connection[]): Record<string, unknown> {
  const strategies = STRATEGY_ORDER.map((name) => ({
    name,
    connections: connections.filter((c) => c.strategy === name).map((c) => (isStrategyKind(name, 'database') ? databaseConnection(c) : { name: c.name, display_name: c.display_name })),
  })).filter((strategy) => strategy.connections.length > 0);
  return {
    id: client.client_id,
    tenant: tenantName,
    authorize: `${issuer}authorize`,
    ...(client.callbacks[0] ? { callback: client.callbacks[0] } : {}),
    hasAllowedOrigins: client.allowed_origins.length > 0,
    strategies,
  };
}

function databaseConnection(connection: Connection): Record<string, unknown> {
  const options = connection.options;
  const complexity = objectOr(options.password_complexity_options);
  const usernameValidation = objectOr(objectOr(options.validation)?.username);
  const requiresUsername = options.requires_username === true;
  return {
    name: connection.name,
    display_name: connection.display_name,
    passwordPolicy: typeof options.passwordPolicy === 'string' ? options.passwordPolicy : 'none',
    ...(typeof complexity?.min_length === 'number' ? { password_complexity_options: { min_length: complexity.min_length } } : {}),
    showSignup: options.disable_signup !== true,
    showForgot: selfServiceResetAllowed(connection),
    requires_username: requiresUsername,
    ...(requiresUsername && usernameValidation ? { validation: { username: { min: usernameValidation.min, max: usernameValidation.max } } } : {}),
  };
}

const objectOr = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
