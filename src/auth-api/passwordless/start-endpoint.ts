/**
 * `POST /passwordless/start` (JSON or form): sends a one-time code, or a magic link, to an email
 * address or phone number through an `email` or `sms` connection enabled for the application.
 * Checks, in Auth0's order: the caller (see start-client-auth.ts), the connection, the address or
 * number, `send`, the magic link's `authParams`, and sign-up rules; then sends and answers like
 * Auth0: `{_id, email, email_verified}` or `{_id, phone_number, phone_verified, request_language}`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import type { Connection } from '../../domain/connections/connection.js';
import { AuthorizationPageError, AuthorizationRedirectError, authorizationContextOf, authorizationParams, type AuthorizationContext } from '../../domain/oidc/authorization-request.js';
import { restoreRequest } from '../../domain/interactions/interaction.js';
import { SmsDeliveryError } from '../../domain/delivery/sms.js';
import { DomainError } from '../../domain/errors.js';
import { clientIp } from '../client-ip.js';
import { DEPRECATION_DESCRIPTION, identifyCaller } from './start-client-auth.js';
import { startError, startParams, type StartParams } from './start-request.js';
import { linkParams, magicLink } from './magic-link.js';
import { connectionEnabledFor } from '../../domain/connections/connection.js';
import { isStrategyKind, passwordlessOf } from '../../domain/connections/strategies/registry.js';
import type { PasswordlessTraits } from '../../domain/connections/strategies/login-strategy.js';

export const passwordlessStartEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/passwordless/start', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const tenant = request.tenant;
    const params = startParams(request);
    const { client, caller, interaction } = await identifyCaller(services, request, params);
    const ip = clientIp(request, caller === 'secret');

    if (caller === 'unauthenticated') {
      if (tenant.settings.flags.enforce_client_authentication_on_passwordless_start === true) {
        throw startError(
          'unauthorized_client',
          'Client authentication is required for passwordless connections of confidential applications: send the client_secret, or call from the hosted login page with its state.',
          401,
        );
      }
    }

    const connection = await passwordlessConnection(services, request, client, params);
    const passwordless = passwordlessOf(connection.strategy)!;
    const sms = passwordless.channel === 'sms';
    const identifier = identifierOf(passwordless, params);
    const send = sendOf(connection, passwordless, params);
    // A link asked for by the hosted login page continues the application's own request (its
    // state, nonce and PKCE challenge), not a request made of the page's authParams.
    // A magic link is an /authorize request: it cannot carry a WS-Fed sign-in (whose answer is the WS-Fed token), so such a login uses the code.
    if (interaction?.request.kind === 'wsfed' && send === 'link') throw startError('bad.authParams', 'A magic link cannot continue a WS-Fed login: send a code instead.');
    const linkRequest = interaction ? authorizationParams(restoreRequest(interaction.request.authorization)) : params.authParams;
    const link = send === 'link' ? checkedLinkParams(client, linkRequest, authorizationContextOf(tenant.settings, request.urlPlaceholders)) : undefined;

    const existing = await services.users.findPasswordlessUser(tenant.id, connection, identifier);
    if (!existing && connection.options.disable_signup === true) {
      // Telling "no such user" apart is what the administrator chose by disabling sign-ups: with
      // nobody able to sign up, the code would be useless anyway.
      throw startError('operation_not_allowed', 'Public signup is disabled');
    }

    try {
      await services.passwordless.send({
        tenant,
        client,
        connection,
        identifier,
        send,
        ...(link
          ? { linkFor: (code: string) => magicLink(request.issuer, link, { connection: connection.name, identifierField: passwordless.identifierField, identifier, code }) }
          : {}),
      });
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'unavailable') {
        // No email provider (production without SMTP_URL): logged, then answered 503 by the error handler.
        request.audit('fn', { description: error.message, client, ip, details: { connection: connection.name } });
        throw error;
      }
      if (!(error instanceof SmsDeliveryError)) throw error;
      request.audit('fn', { description: error.message, client, ip, details: { connection: connection.name } });
      throw startError('sms_provider_error', error.code !== undefined ? `${error.message} (Code: ${error.code})` : error.message);
    }

    if (caller === 'unauthenticated') {
      // Allowed while the tenant has not turned enforcement on; the notice is how an administrator
      // finds the applications to fix (`type:depnote AND description:*passwordless*`).
      request.audit('depnote', {
        description: DEPRECATION_DESCRIPTION,
        client,
        ip,
        details: { endpoint: '/passwordless/start', connection: connection.name },
      });
    }
    request.audit(sms ? 'cs' : 'cls', {
      description: sms ? 'Passwordless login code has been sent' : `Passwordless login ${send} has been sent`,
      client,
      ip,
      ...(existing ? { userId: existing.user.user_id } : {}),
      userName: identifier,
      details: { connection: connection.name, send, authenticated_by: caller },
    });

    const id = randomBytes(12).toString('hex');
    if (sms) return { _id: id, phone_number: identifier, phone_verified: existing?.user.phone_verified ?? false, request_language: requestLanguage(request) };
    return { _id: id, email: identifier, email_verified: existing?.user.email_verified ?? false };
  });
};

async function passwordlessConnection(services: Services, request: FastifyRequest, client: Client, params: StartParams): Promise<Connection> {
  if (!params.connection) throw startError('bad.connection', 'Missing required property: connection');
  const connection = await services.connections.findByName(request.tenant.id, params.connection);
  if (!connection) throw startError('bad.connection', 'Connection does not exist');
  if (!isStrategyKind(connection.strategy, 'passwordless')) throw startError('bad.connection', 'Invalid connection strategy. It must either be a passwordless connection (email or sms)');
  if (!connectionEnabledFor(connection, client)) throw startError('bad.connection', 'Connection is disabled');
  return connection;
}

function identifierOf(passwordless: PasswordlessTraits, params: StartParams): string {
  if (passwordless.identifierField === 'phone_number') {
    if (!params.phone_number) throw startError('bad.phone_number', 'Missing required property: phone_number');
    const phone = passwordless.normalize(params.phone_number);
    if (!phone) throw startError('bad.phone_number', 'String does not match pattern: ^\\+[0-9]{1,15}$');
    return phone;
  }
  if (!params.email) throw startError('bad.email', 'Missing required property: email');
  const email = passwordless.normalize(params.email);
  if (!email) throw startError('bad.email', `error in email - email format validation failed: ${params.email}`);
  return email;
}

/** Auth0 sends a link when `send` is absent for email; SMS carries codes only. */
function sendOf(connection: Connection, passwordless: PasswordlessTraits, params: StartParams): 'link' | 'code' {
  const send = params.send ?? passwordless.defaultSend;
  if (send !== 'link' && send !== 'code') throw startError('bad.send', `error in send - invalid value: ${send} (expected link or code)`);
  if (send === 'link' && !passwordless.sendsLinks) throw startError('bad.send', `error in send - ${connection.strategy} connections send codes only (send: code)`);
  return send;
}

function checkedLinkParams(client: Client, authParams: Record<string, string>, context: AuthorizationContext): Record<string, string> {
  try {
    return linkParams(client, authParams, context);
  } catch (error) {
    if (error instanceof AuthorizationPageError || error instanceof AuthorizationRedirectError) throw startError('bad.authParams', `error in authParams - ${error.description}`);
    throw error;
  }
}

/** The first language of `Accept-Language` (Auth0 echoes the request language; null without one). */
function requestLanguage(request: FastifyRequest): string | null {
  const header = request.headers['accept-language'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.split(';')[0]?.trim();
  return first && /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/.test(first) ? first : null;
}
