/**
 * The page `/authorize` shows when a login ticket's verifier cookie did not come back (third-party
 * cookies blocked). It frames the application's cross-origin verification page
 * (`cross_origin_loc#origin={our origin}`), where auth0.js `crossOriginVerification()` posts
 * `{type: 'ready'}` to us; we ask `{type: 'co_verifier_request', request: {id: co_id}}` and get
 * `{type: 'co_verifier_response', response: {verifier}}` back, the copy auth0.js stored under the
 * ticket's co_id when `/co/authenticate` answered. The verifier is then posted to `/co/verify`.
 *
 * Messages are accepted only from the framed page's window and origin, and the request goes only
 * to that origin. Should the page never answer, the form is posted without a verifier after a
 * while, and the login fails cleanly instead of hanging.
 *
 * The form carries the page's nonce, and `/co/verify` refuses a post from another origin; so that
 * the browser names our origin on this post, the page's referrer policy is `same-origin` instead of
 * the server's `no-referrer` (under which browsers send `Origin: null` with a form post). No
 * Referer leaves our origin either way.
 */
import type { FastifyReply } from 'fastify';
import type { Tenant } from '../../domain/tenants/tenant-service.js';
import { escapeHtml, renderPage } from '../../pages/html.js';
import { formActionFor } from '../../pages/form-action.js';
import { VERIFICATION_PATH } from './login-ticket.js';

const ANSWER_TIMEOUT_MS = 15_000;

export interface VerificationPage {
  /** Our origin, which auth0.js answers to (`#origin=`). */
  issuerOrigin: string;
  /** The application's `cross_origin_loc`. */
  verificationPageUrl: string;
  coId: string;
  loginTicket: string;
  /** The nonce `/co/verify` expects back with the form. */
  csrf: string;
  /** Where the completed request goes: its origin is allowed as the form's final target. */
  redirectUri: string;
  /** For `response_mode=web_message`: the application frames this page. */
  framedBy?: string;
}

export function renderVerificationPage(reply: FastifyReply, tenant: Tenant, page: VerificationPage): FastifyReply {
  const frameUrl = new URL(page.verificationPageUrl);
  frameUrl.hash = `origin=${encodeURIComponent(page.issuerOrigin)}`;
  reply.header('referrer-policy', 'same-origin');
  const config = JSON.stringify({ src: frameUrl.toString(), origin: frameUrl.origin, id: page.coId, timeout: ANSWER_TIMEOUT_MS }).replace(/</g, '\\u003c');
  return renderPage(reply, tenant, {
    title: 'Verifying your login',
    body: `<p>One moment, please…</p>
<form method="post" action="${VERIFICATION_PATH}">
<input type="hidden" name="state" value="${escapeHtml(page.loginTicket)}">
<input type="hidden" name="_csrf" value="${escapeHtml(page.csrf)}">
<input type="hidden" name="verifier" value="">
<noscript><p>This login needs JavaScript. Please enable it and log in again.</p></noscript>
</form>`,
    script: `(function(){
var c=${config},form=document.forms[0],frame=document.createElement('iframe'),sent=false;
function submit(verifier){if(sent)return;sent=true;form.elements.verifier.value=typeof verifier==='string'?verifier:'';form.submit();}
window.addEventListener('message',function(e){
if(e.origin!==c.origin||e.source!==frame.contentWindow||!e.data)return;
if(e.data.type==='ready')frame.contentWindow.postMessage({type:'co_verifier_request',request:{id:c.id}},c.origin);
else if(e.data.type==='co_verifier_response')submit(e.data.response&&e.data.response.verifier);
});
frame.style.display='none';frame.title='verification';frame.src=c.src;document.body.appendChild(frame);
setTimeout(function(){submit('');},c.timeout);
})();`,
    csp: [...formActionFor(page.redirectUri), `frame-src ${frameUrl.origin}`],
    ...(page.framedBy ? { frameAncestors: page.framedBy } : {}),
  });
}
