/**
 * Delivers an authorization response (or error) to the application in its response mode:
 * `query` and `fragment` redirects, `form_post` (an auto-submitting form, OAuth 2.0 Form Post
 * Response Mode) and `web_message` (a page that posts `{type:'authorization_response', response}`
 * to the opener or parent window at the redirect_uri's origin, as auth0.js and auth0-spa-js expect).
 * Every authorization response and redirected error leaves through `deliver`, so this is also where
 * RFC 9207's `iss` parameter is added when the tenant asks for it.
 */
import type { FastifyReply } from 'fastify';
import type { Tenant } from '../../domain/tenants/tenant-service.js';
import type { RedirectTarget } from '../../domain/oidc/authorization-request.js';
import { tenantFeatures } from '../../domain/tenants/features.js';
import type { Client } from '../../domain/clients/client.js';
import { complianceProfileOf, conformantErrorCode } from '../../domain/clients/compliance-levels.js';
import { escapeHtml, renderPage } from '../../pages/html.js';

export function deliver(
  reply: FastifyReply,
  tenant: Tenant,
  target: RedirectTarget,
  response: Record<string, string>,
  /** The application answered, when known (else the target's): a FAPI 2.0 compliance level asks for `iss` whatever the tenant says. */
  answered?: Client | null,
): FastifyReply {
  const { redirectUri, responseMode } = target;
  const client = answered ?? target.client;
  // The issuer of the host the request came on (a custom domain's own), as discovery there names it.
  const standard = response.error !== undefined ? { ...response, error: conformantErrorCode(client, 'authorize', response.error) } : response;
  const params = tenantFeatures(tenant.settings).authorizationResponseIss || complianceProfileOf(client)?.issInAuthorizationResponse ? { ...standard, iss: reply.request.issuer } : standard;
  if (responseMode === 'query' || responseMode === 'fragment') {
    const url = new URL(redirectUri);
    const encoded = new URLSearchParams(params).toString();
    if (responseMode === 'query') {
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      return reply.header('cache-control', 'no-store').redirect(url.toString(), 302);
    }
    return reply.header('cache-control', 'no-store').redirect(`${url.toString().split('#')[0]}#${encoded}`, 302);
  }
  const origin = new URL(redirectUri).origin;
  if (responseMode === 'form_post') {
    const inputs = Object.entries(params)
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('');
    return renderPage(reply, tenant, {
      title: 'Submit this form',
      body: `<form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><p>JavaScript is off: continue manually.</p></noscript><button type="submit">Continue</button></form>`,
      script: 'document.forms[0].submit();',
      csp: [`form-action ${origin}`],
    });
  }
  // web_message: the response goes to the window that opened or framed us, and to no other origin.
  const message = JSON.stringify({ type: 'authorization_response', response: params }).replace(/</g, '\\u003c');
  return renderPage(reply, tenant, {
    title: 'Authorization response',
    body: '<p>Returning to the application…</p>',
    script: `(function(){var t=window.opener||window.parent;t.postMessage(${message},${JSON.stringify(origin)});})();`,
    frameAncestors: origin,
  });
}
