/**
 * `GET|POST /userinfo`: the user's claims for the scopes of the presented access token — the
 * opaque token issued when no API was requested, or a JWT whose audience includes
 * `{issuer}userinfo` (issued when `openid` was granted together with an API). A certificate-bound
 * token also needs its certificate (checkBinding). A JWE access token (an API with
 * `token_encryption`) names /userinfo too, but it is encrypted for the API alone: Tessera holds only
 * the API's public key, so it refuses it as an invalid token, recognised by its shape before any
 * JWS parsing.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import { JwtError } from '../domain/tokens/jws.js';
import { isCompactJwe } from '../domain/tokens/jwe.js';
import { userClaims } from '../domain/oidc/user-claims.js';
import { complianceProfileOf } from '../domain/clients/compliance-levels.js';
import { secondsAt } from '../domain/clock.js';
import { AuthApiError } from '../http/errors.js';
import { answerFapiInteractionId, echoFapiInteractionId } from './fapi-headers.js';
import { certificateBindingProblem } from '../http/certificate-binding.js';

const invalidToken = (description: string) => new AuthApiError(401, 'invalid_token', description, {}, { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` });

interface TokenSubject {
  userId: string;
  scope: string[];
  /** The token's `cnf` when it is certificate-bound. */
  cnf?: unknown;
  /** The application the token was issued to, when the token names it. */
  clientId?: string;
}

export const userinfoEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  echoFapiInteractionId(app);
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request);
    if (isCompactJwe(token)) throw invalidToken('The access token is encrypted for an API and cannot be read by /userinfo');
    const subject = token.includes('.') ? await fromJwt(services, request, token) : await fromOpaque(services, request, token);
    // Known from here: the later refusals (certificate, user) carry the header as the answer does.
    const client = subject.clientId ? await services.clients.find(request.tenant.id, request.tenant.name, subject.clientId) : undefined;
    answerFapiInteractionId(request, reply, client);
    checkBinding(request, subject);
    const user = await services.users.get(request.tenant.id, subject.userId).catch(() => undefined);
    if (!user || user.blocked) throw invalidToken('The user no longer exists or is blocked');
    return userClaims(user, subject.scope, { numericUpdatedAt: complianceProfileOf(client)?.numericUpdatedAt === true });
  };
  app.get('/userinfo', handler);
  app.post('/userinfo', handler);
};

function bearerToken(request: FastifyRequest): string {
  const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) throw new AuthApiError(401, 'invalid_request', 'Missing access token', {}, { 'www-authenticate': 'Bearer realm="userinfo"' });
  return match[1]!;
}

/** RFC 8705 §3: a certificate-bound token needs its certificate on this request (http/certificate-binding.ts, shared with /api/v2). */
function checkBinding(request: FastifyRequest, subject: TokenSubject): void {
  const problem = certificateBindingProblem(request, subject.cnf);
  if (problem) throw invalidToken(problem);
}

async function fromOpaque(services: Services, request: FastifyRequest, token: string): Promise<TokenSubject> {
  const entry = await services.ttl.get<{ userId: string; scope: string[]; cnf?: unknown; clientId?: string }>(request.tenant.id, 'userinfo_token', token);
  if (!entry) throw invalidToken('The access token is invalid or expired');
  return entry;
}

async function fromJwt(services: Services, request: FastifyRequest, token: string): Promise<TokenSubject> {
  const ring = await services.keys.keyRing(request.tenant.id);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = ring.verify(token));
  } catch (error) {
    if (error instanceof JwtError) throw invalidToken('The access token is invalid');
    throw error;
  }
  if (typeof payload.exp !== 'number' || payload.exp <= secondsAt(services.clock)) throw invalidToken('The access token expired');
  if (typeof payload.iss !== 'string' || !(await services.tenants.isTenantUrl(request.tenant.id, payload.iss, '/'))) throw invalidToken('The access token was not issued here');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(`${payload.iss}userinfo`)) throw invalidToken('The access token is not valid for /userinfo');
  if (typeof payload.sub !== 'string') throw invalidToken('The access token has no subject');
  const clientId = typeof payload.azp === 'string' ? payload.azp : typeof payload.client_id === 'string' ? payload.client_id : undefined;
  return { userId: payload.sub, scope: typeof payload.scope === 'string' ? payload.scope.split(' ') : [], cnf: payload.cnf, ...(clientId ? { clientId } : {}) };
}
