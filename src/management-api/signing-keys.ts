/** `/api/v2/keys/signing`: list, get, rotate, revoke the tenant's signing keys. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../domain/services.js';
import type { SigningKeyRecord } from '../storage/repositories/signing-keys.js';
import { signingCertificateOf } from '../domain/keys/signing-certificate.js';
import { notFound } from '../domain/errors.js';
import { SigningKeyRef, SigningKeyResponse } from './schemas/signing-keys.js';
import { allOf, anyOf } from './scopes.js';

const KidParams = Type.Object({ kid: Type.String({ minLength: 1, maxLength: 128 }) });

function toSigningKeyView(key: SigningKeyRecord): Static<typeof SigningKeyResponse> {
  const { pkcs7, fingerprint, thumbprint } = signingCertificateOf(key.certPem);
  const view: Static<typeof SigningKeyResponse> = {
    kid: key.kid,
    cert: key.certPem,
    pkcs7,
    fingerprint,
    thumbprint,
    current: key.state === 'current',
    next: key.state === 'next',
    previous: key.state === 'previous',
    revoked: key.state === 'revoked',
  };
  if (key.alg !== 'RS256') view.alg = key.alg;
  if (key.currentSince) view.current_since = key.currentSince;
  if (key.currentUntil) view.current_until = key.currentUntil;
  if (key.revokedAt) view.revoked_at = key.revokedAt;
  return view;
}

export const signingKeyRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/keys/signing', { config: anyOf('read:signing_keys'), schema: { response: { 200: Type.Array(SigningKeyResponse) } } }, async (request) => {
    return (await services.keys.list(request.tenant.id)).map(toSigningKeyView);
  });

  app.get('/keys/signing/:kid', { config: anyOf('read:signing_keys'), schema: { params: KidParams, response: { 200: SigningKeyResponse } } }, async (request) => {
    const kid = request.params.kid;
    const key = (await services.keys.list(request.tenant.id)).find((k) => k.kid === kid);
    if (!key) throw notFound('Signing key not found.', 'inexistent_signing_key');
    return toSigningKeyView(key);
  });

  app.post('/keys/signing/rotate', { config: allOf('create:signing_keys', 'update:signing_keys'), schema: { response: { 201: SigningKeyRef } } }, async (request, reply) => {
    const key = await services.keys.rotate(request.tenant.id, request.tenant.domain);
    return reply.code(201).send({ cert: key.certPem, kid: key.kid });
  });

  app.put('/keys/signing/:kid/revoke', { config: anyOf('update:signing_keys'), schema: { params: KidParams, response: { 200: SigningKeyRef } } }, async (request) => {
    const key = await services.keys.revoke(request.tenant.id, request.params.kid);
    return { cert: key.certPem, kid: key.kid };
  });
};
