/**
 * The link in the verification email: `GET /u/email-verification?ticket=...` uses the one-time
 * ticket and marks the address verified, then shows the result, or redirects to the ticket's
 * `result_url` with Auth0's `success` and `message` parameters. As on Auth0, opening the link is
 * enough: a mail scanner that fetches it can only prove what the link proves, that the mail
 * reached the mailbox. Rules and messages: `domain/email-verification`.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import { resultRedirect, verifyEmail, VERIFICATION_MESSAGES, VERIFICATION_PATH, type EmailVerificationTicket } from '../domain/email-verification/email-verification.js';
import { escapeHtml, renderPage } from '../pages/html.js';
import { stringField } from '../http/forms.js';
import { errorAlert, link, links } from './fragments.js';

const TITLE = 'Email verification';

export const emailVerificationRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get(VERIFICATION_PATH, async (request, reply) => {
    const secret = stringField(request.query, 'ticket');
    if (!secret) return invalidLink(reply, request);
    const outcome = await verifyEmail(services, request.tenant, secret, request.audit);
    if (outcome.status === 'invalid') return invalidLink(reply, request);
    const success = outcome.status === 'verified';
    const message = success ? VERIFICATION_MESSAGES.verified : outcome.message;
    const redirect = resultRedirect(outcome.ticket, success, message);
    if (redirect) return reply.redirect(redirect, 302);
    const back = await backToApplication(services, request, outcome.ticket);
    return renderPage(reply, request.tenant, {
      title: TITLE,
      status: success ? 200 : 400,
      body: success ? `<p role="status">${escapeHtml(message)}</p>${back}` : `${errorAlert(message)}${back}`,
    });
  });
};

/** A way back to the application the ticket names, when it has told us where its login starts. */
async function backToApplication(services: Services, request: FastifyRequest, ticket: EmailVerificationTicket): Promise<string> {
  const client: Client | null = ticket.clientId ? await services.clients.find(request.tenant.id, request.tenant.name, ticket.clientId) : null;
  return client?.initiate_login_uri ? links(link(client.initiate_login_uri, `Back to ${client.name}`)) : '';
}

function invalidLink(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return renderPage(reply, request.tenant, { title: TITLE, status: 400, body: errorAlert('This link has expired or has already been used. Please ask for a new verification email.') });
}
