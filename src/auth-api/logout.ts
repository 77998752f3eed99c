/**
 * Logout: `GET /v2/logout` (Auth0's endpoint: `client_id`, `returnTo`) and `GET|POST /oidc/logout`
 * (OpenID Connect RP-Initiated Logout: `id_token_hint`, `client_id`, `post_logout_redirect_uri`,
 * `state`, `logout_hint`). Both end the SSO session; a return URL is followed only when it is
 * listed in the application's Allowed Logout URLs (or the tenant's, without an application), so
 * logout is never an open redirector.
 *
 * Both ask the user to confirm before ending a live session (`needsConfirmation`), unless the
 * request carries an ID token of that very session: otherwise any site could log users out with a
 * link or an image (logout CSRF), its own ID token as the "hint" included.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import type { Session } from '../domain/sessions/session-service.js';
import type { TenantSettings } from '../domain/tenants/tenant-settings.js';
import { placeholdersFor, resolvePlaceholders, urlAllowed, type UrlPlaceholders } from '../domain/clients/url-rules.js';
import { JwtError } from '../domain/tokens/jws.js';
import { readCookie, clearCookie } from '../http/cookies.js';
import { SESSION_COOKIE } from '../http/login-cookies.js';
import { escapeHtml, renderErrorPage, renderPage } from '../pages/html.js';
import { formActionFor } from '../pages/form-action.js';
import { stringParams } from './authorize/authorization-requests.js';

export const logoutEndpoints: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get('/v2/logout', async (request, reply) => {
    const params = stringParams(request.query);
    const tenant = request.tenant;
    const client = params.client_id ? await services.clients.find(tenant.id, tenant.name, params.client_id) : null;
    if (params.client_id && !client) return renderErrorPage(reply, tenant, 'invalid_request', `Unknown client: ${params.client_id}`);
    const allowedUrls = client ? client.allowed_logout_urls : tenant.settings.allowed_logout_urls;
    const returnTo = params.returnTo ?? params.returnto;
    const placeholders = client ? placeholdersFor(client, request.urlPlaceholders) : request.urlPlaceholders;
    if (returnTo && !allowedUrls.some((allowed) => urlAllowed(allowed, returnTo, placeholders))) {
      return renderErrorPage(reply, tenant, 'invalid_request', `The "returnTo" querystring parameter "${returnTo}" is not defined as a valid URL in "Allowed Logout URLs".`);
    }
    // Without returnTo: the application's first URL that names one place on this host (no wildcard; placeholders resolved).
    const target = returnTo ?? (client ? firstResolvable(client.allowed_logout_urls, placeholders) : undefined);
    const confirmed: ConfirmedLogout = { ...(client ? { clientId: client.client_id } : {}), ...(target ? { redirect: target } : {}) };
    // Auth0's /v2/logout takes no id_token_hint, but an application may add one (auth0-spa-js
    // passes logoutParams through) to spare its users the question.
    const hint = params.id_token_hint ? await verifiedIdTokenHint(services, request, params.id_token_hint) : undefined;
    const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
    if (needsConfirmation(tenant.settings, session, hint)) return askToConfirm(services, request, reply, confirmed, session!, client);
    return finishLogout(services, request, reply, confirmed, client);
  });

  const oidcLogout = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = stringParams(request.method === 'POST' ? request.body : request.query);
    const tenant = request.tenant;
    let clientId = params.client_id;
    const hint = params.id_token_hint ? await verifiedIdTokenHint(services, request, params.id_token_hint) : undefined;
    if (params.id_token_hint) {
      if (!hint?.audience) return renderErrorPage(reply, tenant, 'invalid_request', 'The id_token_hint is invalid.');
      if (clientId && clientId !== hint.audience) return renderErrorPage(reply, tenant, 'invalid_request', 'The client_id does not match the id_token_hint audience.');
      clientId = hint.audience;
    }
    const client = clientId ? await services.clients.find(tenant.id, tenant.name, clientId) : null;
    if (clientId && !client) return renderErrorPage(reply, tenant, 'invalid_request', `Unknown client: ${clientId}`);
    const redirect = params.post_logout_redirect_uri;
    if (redirect) {
      if (!client) return renderErrorPage(reply, tenant, 'invalid_request', 'post_logout_redirect_uri needs the application: send client_id or id_token_hint.');
      if (!client.allowed_logout_urls.some((allowed) => urlAllowed(allowed, redirect, placeholdersFor(client, request.urlPlaceholders)))) {
        return renderErrorPage(reply, tenant, 'invalid_request', `The "post_logout_redirect_uri" parameter "${redirect}" is not defined as a valid URL in "Allowed Logout URLs".`);
      }
    }
    const confirmed: ConfirmedLogout = { ...(client ? { clientId: client.client_id } : {}), ...(redirect ? { redirect } : {}), ...(params.state !== undefined ? { state: params.state } : {}), ...(params.logout_hint ? { logoutHint: params.logout_hint } : {}) };
    const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
    if (needsConfirmation(tenant.settings, session, hint)) return askToConfirm(services, request, reply, confirmed, session!, client);
    return finishLogout(services, request, reply, confirmed, client);
  };
  app.get('/oidc/logout', oidcLogout);
  app.post('/oidc/logout', oidcLogout);

  app.post('/oidc/logout/confirm', async (request, reply) => {
    const params = stringParams(request.body);
    const tenant = request.tenant;
    const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
    const pending = params.ticket ? await services.ttl.get<ConfirmedLogout & { sid: string }>(tenant.id, 'logout_confirmation', params.ticket) : undefined;
    // The ticket only works in the browser whose session it was made for, and only once.
    const valid = pending && session && session.sid === pending.sid && (await services.ttl.consume(tenant.id, 'logout_confirmation', params.ticket!)).status === 'ok';
    if (!valid) return renderErrorPage(reply, tenant, 'invalid_request', 'This logout request has expired. Please log out again from the application.');
    const { sid: _sid, ...confirmed } = pending;
    const client = confirmed.clientId ? await services.clients.find(tenant.id, tenant.name, confirmed.clientId) : null;
    if (params.action !== 'logout') {
      return confirmed.redirect ? reply.redirect(confirmed.redirect, 302) : renderPage(reply, tenant, { title: 'Still logged in', body: '<p>You are still logged in.</p>' });
    }
    return finishLogout(services, request, reply, confirmed, client);
  });
};

/**
 * A logout another protocol asks for (WS-Fed's `wsignout1.0`), with a return URL it has already
 * checked against the application: confirmed by the user first, as every logout without an ID token
 * of the session is, then the session ends and the browser goes to the URL.
 */
export async function logOut(services: Services, request: FastifyRequest, reply: FastifyReply, client: Client, redirect: string | undefined): Promise<FastifyReply> {
  const tenant = request.tenant;
  const confirmed: ConfirmedLogout = { clientId: client.client_id, ...(redirect ? { redirect } : {}) };
  const session = await services.sessions.resume(tenant.id, tenant.settings, readCookie(request, SESSION_COOKIE));
  if (needsConfirmation(tenant.settings, session, undefined)) return askToConfirm(services, request, reply, confirmed, session!, client);
  return finishLogout(services, request, reply, confirmed, client);
}

const CONFIRMATION_TTL_SECONDS = 600;

function firstResolvable(urls: readonly string[], placeholders: UrlPlaceholders): string | undefined {
  for (const url of urls) {
    const resolved = url.includes('*') ? undefined : resolvePlaceholders(url, placeholders);
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

interface ConfirmedLogout {
  clientId?: string;
  redirect?: string;
  state?: string;
  logoutHint?: string;
}

/** The claims of a verified `id_token_hint` that logout decisions use. */
interface IdTokenHint {
  audience?: string;
  sub?: string;
  sid?: string;
}

/**
 * Whether ending this browser's session needs the user's say-so. Not when there is no live session
 * (nothing to end), nor when the tenant turned the prompt off; otherwise only an ID token issued for
 * this very session (same `sub` and `sid`) shows that the request comes from an application the user
 * is logged in to — any site can obtain an ID token of its own, so a hint for another session
 * counts for nothing.
 */
function needsConfirmation(settings: TenantSettings, session: Session | undefined, hint: IdTokenHint | undefined): boolean {
  if (!session || settings.sessions?.oidc_logout_prompt_enabled === false) return false;
  return !(hint && hint.sub === session.userId && hint.sid === session.sid);
}

/** Shows the confirmation page, with a one-time ticket bound to the session it would end. */
async function askToConfirm(services: Services, request: FastifyRequest, reply: FastifyReply, logout: ConfirmedLogout, session: Session, client: Client | null): Promise<FastifyReply> {
  const ticket = await services.ttl.put(request.tenant.id, 'logout_confirmation', { ...logout, sid: session.sid }, CONFIRMATION_TTL_SECONDS);
  return confirmationPage(reply, request, ticket, client, logout.redirect);
}

async function finishLogout(services: Services, request: FastifyRequest, reply: FastifyReply, logout: ConfirmedLogout, client: Client | null): Promise<FastifyReply> {
  await endSession(services, request, reply, client, logout.logoutHint);
  if (!logout.redirect) return loggedOutPage(reply, request);
  if (logout.state === undefined) return reply.redirect(logout.redirect, 302);
  const url = new URL(logout.redirect);
  url.searchParams.set('state', logout.state);
  return reply.redirect(url.toString(), 302);
}

function confirmationPage(reply: FastifyReply, request: FastifyRequest, ticket: string, client: Client | null, redirect: string | undefined): FastifyReply {
  const app = client ? ` from <strong>${escapeHtml(client.name)}</strong>` : '';
  return renderPage(reply, request.tenant, {
    title: 'Log out?',
    body: `<p>Do you want to log out${app}?</p>
<form method="post" action="/oidc/logout/confirm">
<input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<div class="actions"><button type="submit" name="action" value="cancel" class="secondary">Stay logged in</button><button type="submit" name="action" value="logout">Log out</button></div>
</form>`,
    // The answer redirects to the application's (already validated) logout URL, which may be a
    // native application's custom scheme: browsers apply form-action to that redirect too.
    csp: redirect ? formActionFor(redirect) : ["form-action 'self'"],
  });
}

/** Ends this browser's session (unless `logout_hint` names another session) and logs `slo`. */
async function endSession(services: Services, request: FastifyRequest, reply: FastifyReply, client: Client | null, logoutHint?: string): Promise<void> {
  const tenant = request.tenant;
  const cookie = readCookie(request, SESSION_COOKIE);
  const current = await services.sessions.resume(tenant.id, tenant.settings, cookie);
  if (logoutHint && current && current.sid !== logoutHint) return;
  const ended = await services.sessions.end(tenant.id, cookie);
  clearCookie(request, reply, SESSION_COOKIE);
  if (ended) {
    request.audit('slo', { description: 'User successfully logged out', userId: ended.userId, ...(client ? { client } : {}) });
  }
}

/**
 * The claims of an ID token this tenant signed, or undefined when it is not one; expired tokens are
 * fine as hints (OIDC RP-Initiated Logout §2).
 */
async function verifiedIdTokenHint(services: Services, request: FastifyRequest, token: string): Promise<IdTokenHint | undefined> {
  const ring = await services.keys.keyRing(request.tenant.id);
  try {
    const { payload } = ring.verify(token);
    if (typeof payload.iss !== 'string' || !(await services.tenants.isTenantUrl(request.tenant.id, payload.iss, '/'))) return undefined;
    const audience = typeof payload.aud === 'string' ? payload.aud : Array.isArray(payload.aud) && typeof payload.aud[0] === 'string' ? payload.aud[0] : undefined;
    return {
      ...(audience !== undefined ? { audience } : {}),
      ...(typeof payload.sub === 'string' ? { sub: payload.sub } : {}),
      ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}),
    };
  } catch (error) {
    if (error instanceof JwtError) return undefined;
    throw error;
  }
}

function loggedOutPage(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return renderPage(reply, request.tenant, { title: 'Logged out', body: '<p>You have been logged out.</p>' });
}
