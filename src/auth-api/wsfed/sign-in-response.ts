/**
 * Answers a WS-Fed sign-in: the signed token (domain/wsfed/sign-in-response.ts) posted to the reply
 * URL by an auto-submitting form (`wa=wsignin1.0`, `wresult`, `wctx`), as Auth0's add-on answers. Every
 * value is escaped into the page; its script runs by the page's nonce, and its CSP lets the form go to
 * the reply URL's origin only.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import type { User } from '../../domain/users/user.js';
import type { WsFedSignIn } from '../../domain/interactions/interaction.js';
import { wsFedClaims } from '../../domain/wsfed/claims.js';
import { signInResponse } from '../../domain/wsfed/sign-in-response.js';
import { wsFedIssuer } from '../../domain/wsfed/issuer.js';
import { escapeHtml, renderErrorPage, renderPage } from '../../pages/html.js';
import { formActionFor } from '../../pages/form-action.js';

export async function answerSignIn(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  answer: { client: Client; user: User; amr: string[]; issuer: string; signIn: WsFedSignIn },
): Promise<FastifyReply> {
  const tenant = request.tenant;
  const ring = await services.keys.keyRing(tenant.id);
  const signer = ring.signerFor('RS256');
  const certificate = ring.applicationCertificate();
  if (!signer || !certificate) return renderErrorPage(reply, tenant, 'server_error', 'This tenant has no signing certificate.', 500);
  const wresult = signInResponse(
    {
      issuer: wsFedIssuer(answer.issuer),
      audience: answer.signIn.audience,
      subject: answer.user.user_id,
      claims: wsFedClaims(answer.user),
      amr: answer.amr,
      now: services.clock.now(),
      ...(answer.signIn.context !== undefined ? { context: answer.signIn.context } : {}),
    },
    { key: signer.key, certificatePem: certificate.pem },
  );
  const fields: Record<string, string> = { wa: 'wsignin1.0', wresult, ...(answer.signIn.context !== undefined ? { wctx: answer.signIn.context } : {}) };
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return renderPage(reply, tenant, {
    title: 'Submit this form',
    body: `<form method="post" name="hiddenform" action="${escapeHtml(answer.signIn.replyUrl)}">${inputs}<noscript><p>JavaScript is off: continue manually.</p></noscript><button type="submit">Continue</button></form>`,
    script: 'document.forms[0].submit();',
    csp: formActionFor(answer.signIn.replyUrl),
  });
}
