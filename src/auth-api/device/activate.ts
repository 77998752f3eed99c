/**
 * The device flow's browser side (RFC 8628 §3.3): `/activate` asks for the user code (prefilled
 * from `verification_uri_complete`), then the user logs in on the hosted pages (an SSO session is
 * reused) and confirms on the consent page, which shows the code again (§5.4: the user checks it
 * is the one on their device) and what the application asks for. The answer goes to the user code
 * entry, which the device's polling reads; the browser gets a "device connected" page, no redirect.
 *
 * The code form is a double-submit form (a random cookie of path `/activate`, repeated in the form)
 * posted from our own origin; attempts are counted per address in the rate-limit store (10 a
 * minute, then 429) and each wrong code is logged `fdeac` (its length only: a mistyped code is
 * nearly the real one). Wrong codes are also counted per tenant (100 a minute): past that budget
 * `/activate` answers 429 to everyone in the tenant until the window ends — guessing from many
 * addresses gains nothing, at the price of a minute's lockout (logged `api_limit`).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import type { User } from '../../domain/users/user.js';
import type { Session } from '../../domain/sessions/session-service.js';
import { INTERACTION_TTL_SECONDS, pageFor, storeRequest, type InteractionRequest } from '../../domain/interactions/interaction.js';
import { answerUserCode, asAuthorizationRequest, pendingUserCode } from '../../domain/oidc/device-authorization.js';
import { ApiAccessDenied, userApiAccess } from '../../domain/oidc/api-access.js';
import { OIDC_SCOPES } from '../../domain/oidc/user-claims.js';
import { addressBucket } from '../../domain/attack-protection/address-bucket.js';
import { ssoSessionFor } from '../authorize/sso-session.js';
import { readCookie, setCookie } from '../../http/cookies.js';
import { bindInteraction } from '../../http/login-cookies.js';
import { postedFromOwnOrigin, stringField } from '../../http/forms.js';
import { sameSecret } from '../../crypto/constant-time.js';
import { escapeHtml, renderErrorPage, renderPage } from '../../pages/html.js';
import { csrfRejected, unknownClient } from '../../pages/refusals.js';

export const ACTIVATE_PATH = '/activate';
const CSRF_COOKIE = 'tessera_activate';
/** Code attempts per address and minute: 10 wrong guesses of a 20^8 space tell nothing. */
export const ACTIVATE_ATTEMPTS_PER_MINUTE = 10;

/** Wrong codes per tenant and minute, from all addresses together: beyond it, /activate refuses everyone. */
export const ACTIVATE_TENANT_FAILURES_PER_MINUTE = 100;

/** The rate-limit store's operations (auth-api/rate-limit/store.ts). */
export interface AttemptCounter {
  hit(key: string): { count: number; resetAt: number } | Promise<{ count: number; resetAt: number }>;
  peek(key: string): number | Promise<number>;
}

export const activateRoutes: FastifyPluginAsync<{ services: Services; attempts: AttemptCounter }> = async (app, { services, attempts }) => {
  app.get(ACTIVATE_PATH, async (request, reply) => codeForm(request, reply, { userCode: (stringField(request.query, 'user_code') ?? '').slice(0, 64) }));

  app.post(ACTIVATE_PATH, async (request, reply) => {
    const token = readCookie(request, CSRF_COOKIE);
    if (!postedFromOwnOrigin(request) || !token || !sameSecret(stringField(request.body, '_csrf') ?? '', token)) return csrfRejected(reply, request);
    const tenant = request.tenant;
    const hit = await attempts.hit(`activate:${tenant.id}:${addressBucket(request.ip)}`);
    if (hit.count > ACTIVATE_ATTEMPTS_PER_MINUTE) {
      // The window store counts on the services' clock: so does the time left.
      reply.header('retry-after', Math.max(1, Math.ceil((hit.resetAt - services.clock.now()) / 1000)));
      return renderErrorPage(reply, tenant, 'too_many_requests', 'Too many attempts. Please try again in a minute.', 429);
    }
    // Checked before the lookup, so that once the budget is spent a right guess is refused like a wrong one.
    const tenantFailures = `activate-failed:${tenant.id}`;
    if ((await attempts.peek(tenantFailures)) >= ACTIVATE_TENANT_FAILURES_PER_MINUTE) {
      reply.header('retry-after', 60);
      return renderErrorPage(reply, tenant, 'too_many_requests', 'Too many attempts. Please try again in a minute.', 429);
    }
    const typed = stringField(request.body, 'user_code') ?? '';
    const found = await pendingUserCode(services.ttl, tenant.id, typed);
    if (!found) {
      request.audit('fdeac', { description: 'Invalid or expired user code', details: { user_code_length: typed.length } });
      const failures = await attempts.hit(tenantFailures);
      if (failures.count === ACTIVATE_TENANT_FAILURES_PER_MINUTE) {
        request.log.warn({ tenant: tenant.id }, 'device flow: the tenant\'s budget of wrong user codes is spent; /activate refuses everyone until the window ends');
        request.audit('api_limit', {
          description: 'Too many wrong device user codes for the tenant: /activate is refused until the window ends',
          details: { bucket: 'activate', limit: ACTIVATE_TENANT_FAILURES_PER_MINUTE, window_seconds: 60, path: ACTIVATE_PATH },
        });
      }
      return codeForm(request, reply, { userCode: typed.slice(0, 64), error: 'Invalid or expired code. Check the code on your device and try again.', status: 400 });
    }
    const { entry, key } = found;
    const client = await services.clients.find(tenant.id, tenant.name, entry.request.clientId);
    if (!client) return unknownClient(reply, request, entry.request.clientId);
    const interactionRequest: InteractionRequest = {
      kind: 'device',
      authorization: storeRequest(asAuthorizationRequest(entry.request)),
      issuer: entry.request.issuer,
      device: { userCode: entry.userCode, userCodeKey: key },
    };
    // A session whose connection is not enabled for the application counts as absent (authorize/sso-session.ts).
    const sso = await ssoSessionFor(services, request, client);
    if (sso) return askConfirmation(services, request, reply, { client, user: sso.user, session: sso.session, request: interactionRequest });
    const { id, browserSecret } = await services.interactions.open(tenant.id, interactionRequest);
    bindInteraction(request, reply, id, browserSecret, INTERACTION_TTL_SECONDS);
    return reply.redirect(pageFor('login_pending', id), 302);
  });
};

function codeForm(request: FastifyRequest, reply: FastifyReply, options: { userCode: string; error?: string; status?: number }): FastifyReply {
  const token = readCookie(request, CSRF_COOKIE) ?? randomBytes(24).toString('base64url');
  setCookie(request, reply, CSRF_COOKIE, token, { path: ACTIVATE_PATH, lax: true });
  // Under the default no-referrer policy browsers post `Origin: null`, which the Origin check refuses;
  // same-origin names our origin to ourselves and still nothing (not even the prefilled code) to others.
  reply.header('referrer-policy', 'same-origin');
  const error = options.error ? `<div class="error" role="alert" id="error">${escapeHtml(options.error)}</div>` : '';
  return renderPage(reply, request.tenant, {
    title: 'Device Activation',
    status: options.status ?? 200,
    body: `<p>Enter the code displayed on your device.</p>${error}
<form method="post" action="${ACTIVATE_PATH}" novalidate>
<input type="hidden" name="_csrf" value="${escapeHtml(token)}">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" autocomplete="off" autocapitalize="characters" spellcheck="false" autofocus value="${escapeHtml(options.userCode)}"${options.error ? ' aria-invalid="true" aria-describedby="error"' : ''}>
<button type="submit" name="action" value="default">Continue</button>
</form>`,
  });
}

/**
 * The user is known: what the application would receive (the API's user policy, client grant and
 * RBAC, as at `/authorize`), asked on the consent page with the code. A device flow always asks
 * (§5.4); the answer is recorded as consent when the application needed it.
 */
export async function askConfirmation(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  context: { client: Client; user: User; session: Session; request: Extract<InteractionRequest, { kind: 'device' }> },
): Promise<FastifyReply> {
  const tenant = request.tenant;
  const { client, user, session } = context;
  const requested = context.request.authorization;
  const oidcScopes = requested.scope.filter((s) => OIDC_SCOPES.has(s));
  let scope = oidcScopes;
  let audience = '';
  let permissions: string[] | undefined;
  let apiAllowsSkipping: boolean | undefined;
  if (requested.audience) {
    try {
      const access = await userApiAccess(services, tenant.id, client, user.user_id, requested.audience, requested.scope);
      audience = access.api.identifier;
      apiAllowsSkipping = access.api.skip_consent_for_verifiable_first_party_clients;
      scope = [...oidcScopes.filter((s) => s !== 'offline_access' || access.api.allow_offline_access), ...access.scopes];
      if (access.permissions && access.api.token_dialect.endsWith('_authz')) permissions = access.permissions;
    } catch (error) {
      if (!(error instanceof ApiAccessDenied)) throw error;
      await answerUserCode(services.ttl, tenant.id, context.request.device.userCodeKey, { denied: true });
      request.audit('fdecc', { description: `Device confirmation refused: ${error.message}`, client, userId: user.user_id, details: { reason: 'api_access_denied', audience: requested.audience } });
      return renderErrorPage(reply, tenant, 'access_denied', error.message, 403);
    }
  }
  const decision = await services.consent.decide(tenant.id, {
    userId: user.user_id,
    clientId: client.client_id,
    isFirstParty: client.is_first_party,
    audience,
    redirectUri: requested.redirectUri,
    promptConsent: false,
    scope,
    ...(apiAllowsSkipping !== undefined ? { apiAllowsSkipping } : {}),
  });
  const interactionRequest: InteractionRequest = {
    ...context.request,
    device: { ...context.request.device, recordConsent: decision === 'ask', ...(permissions ? { permissions } : {}) },
  };
  const { id, browserSecret } = await services.interactions.open(tenant.id, interactionRequest, {
    question: { audience, scope },
    result: { userId: session.userId, amr: session.amr, connection: session.connection ?? '', authTime: session.authTime },
  });
  bindInteraction(request, reply, id, browserSecret, INTERACTION_TTL_SECONDS);
  return reply.redirect(pageFor('consent_pending', id), 302);
}

/** The page the browser ends on once the device has its answer. */
export function deviceConnected(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return renderPage(reply, request.tenant, { title: 'Device connected', body: "<p>Congratulations, you're all set! Your device is now connected; you can return to it.</p>" });
}

export function deviceDenied(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return renderPage(reply, request.tenant, { title: 'Access denied', body: '<p>You cancelled the request: the device was not connected.</p>' });
}
