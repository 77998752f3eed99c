/**
 * Headers every response carries, set when the request arrives so that error responses (from any
 * later hook, parser or handler) carry them too. The JSON APIs are never meant to be framed or
 * rendered as a page, so the policy is the strictest one; hosted login pages will set their own CSP.
 */
import type { FastifyInstance } from 'fastify';

const COMMON = Object.freeze({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-site',
});
const WITH_HSTS = Object.freeze({ ...COMMON, 'strict-transport-security': 'max-age=31536000' });

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.protocol === 'https' ? WITH_HSTS : COMMON);
    done();
  });
}
