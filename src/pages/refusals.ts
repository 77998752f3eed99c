/** The error pages a browser sees when a login form or its continuation is refused, worded once for every surface. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderErrorPage } from './html.js';

export function csrfRejected(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return renderErrorPage(reply, request.tenant, 'invalid_request', 'Invalid or missing CSRF token. Please start the login again.', 403);
}

/** No live interaction for this browser: expired, used up, or started in another browser (the answer does not say which). */
export function expired(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return renderErrorPage(reply, request.tenant, 'invalid_request', 'Your login session has expired or was started in another browser. Please go back to the application and log in again.', 400);
}

export function unknownClient(reply: FastifyReply, request: FastifyRequest, clientId: string): FastifyReply {
  return renderErrorPage(reply, request.tenant, 'invalid_request', `Unknown client: ${clientId}`);
}
