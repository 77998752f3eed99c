/**
 * The link in the blocked-account email (brute-force protection, shield `user_notification`):
 * `GET /u/unblock?ticket=...` asks for confirmation, `POST /u/unblock` uses the one-time ticket
 * and clears the account's brute-force blocks. Opening the link does not unblock by itself: mail
 * scanners fetch links, and a fetch must not use the ticket up before the person clicks.
 *
 * The form needs no CSRF token of its own: its one secret is the ticket, which a forging site
 * cannot know (and whoever knows it can use it directly, as the email intends).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { renderPage } from '../pages/html.js';
import { stringField } from '../http/forms.js';
import { errorAlert, hidden } from './fragments.js';

const UNBLOCK_PATH = '/u/unblock';

export const UNBLOCK_MESSAGES = {
  invalid: 'This link has expired or has already been used.',
  done: 'Your account has been unblocked. You can now log in again.',
  confirm: 'Your account was blocked after multiple consecutive failed login attempts. Unblock it to log in again.',
} as const;

export const unblockRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get(UNBLOCK_PATH, async (request, reply) => {
    const secret = stringField(request.query, 'ticket');
    const ticket = secret ? await services.attackProtection.unblockTicket(request.tenant, secret) : undefined;
    if (!secret || !ticket) return invalidLink(reply, request);
    return renderPage(reply, request.tenant, {
      title: 'Unblock your account',
      body: `<p>${UNBLOCK_MESSAGES.confirm}</p>
<form method="post" action="${UNBLOCK_PATH}">
${hidden('ticket', secret)}
<button type="submit" name="action" value="unblock">Unblock my account</button>
</form>`,
    });
  });

  app.post(UNBLOCK_PATH, async (request, reply) => {
    const secret = stringField(request.body, 'ticket');
    if (!secret || !(await services.attackProtection.redeemUnblockTicket(request.tenant, secret, request.ip, request.audit))) return invalidLink(reply, request);
    return renderPage(reply, request.tenant, { title: 'Account unblocked', body: `<p role="status">${UNBLOCK_MESSAGES.done}</p>` });
  });
};

function invalidLink(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return renderPage(reply, request.tenant, { title: 'Unblock your account', status: 400, body: errorAlert(UNBLOCK_MESSAGES.invalid) });
}
