/**
 * The application signing certificate, public on every host of the tenant as Auth0 serves it
 * (docs, "Signing Keys": "Additional application signing certificates … CER, PEM, raw PEM, PB7,
 * Fingerprint"): the certificate of the current RS256 key, which signs every application's tokens.
 *
 * - `/pem`: X.509 PEM, downloaded as `{tenant}.pem`;
 * - `/rawpem`: the same PEM as plain text, shown rather than downloaded;
 * - `/cer`: X.509 DER, downloaded as `{tenant}.cer`;
 * - `/pb7`: certs-only PKCS#7, PEM, downloaded as `{tenant}.p7b`;
 * - `/fingerprint`: the SHA-1 fingerprint (`AB:CD:…`), plain text.
 *
 * Each also answers as `/{format}/{client_id}` for one of the tenant's applications (an unknown one
 * is a 404). `/pem?cert=connection` is Auth0's connection certificate, used to sign requests to SAML
 * identity providers; Tessera has no SAML connections and so no such certificate: a 404 rather than
 * the application certificate in its place. Other query parameters are ignored, as Auth0 does.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { SigningCertificate } from '../domain/keys/signing-certificate.js';
import { AuthApiError } from '../http/errors.js';

interface Format {
  contentType: string;
  /** The file name's extension when the answer is a download; inline otherwise. */
  download?: string;
  body(certificate: SigningCertificate): string | Buffer;
}

const FORMATS: Readonly<Record<string, Format>> = {
  pem: { contentType: 'application/x-pem-file', download: 'pem', body: (c) => c.pem },
  rawpem: { contentType: 'text/plain; charset=utf-8', body: (c) => c.pem },
  cer: { contentType: 'application/x-x509-ca-cert', download: 'cer', body: (c) => c.der },
  pb7: { contentType: 'application/x-pkcs7-certificates', download: 'p7b', body: (c) => c.pkcs7 },
  fingerprint: { contentType: 'text/plain; charset=utf-8', body: (c) => `${c.fingerprint}\n` },
};

/** As server/request-bounds.ts bounds every client_id before it is looked up (a miss is cached under it). */
const MAX_CLIENT_ID_LENGTH = 64;

const ClientParams = {
  type: 'object',
  properties: { clientId: { type: 'string', minLength: 1, maxLength: MAX_CLIENT_ID_LENGTH } },
  required: ['clientId'],
} as const;

export const signingCertificateRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  for (const [name, format] of Object.entries(FORMATS)) {
    app.get(`/${name}`, async (request, reply) => send(services, request, reply, name, format));
    app.get<{ Params: { clientId: string } }>(`/${name}/:clientId`, { schema: { params: ClientParams } }, async (request, reply) => {
      const tenant = request.tenant;
      if (!(await services.clients.find(tenant.id, tenant.name, request.params.clientId))) throw new AuthApiError(404, 'not_found', 'Unknown client.');
      return send(services, request, reply, name, format);
    });
  }
};

async function send(services: Services, request: FastifyRequest, reply: FastifyReply, name: string, format: Format): Promise<FastifyReply> {
  if (name === 'pem' && (request.query as Record<string, unknown>).cert === 'connection') {
    throw new AuthApiError(404, 'not_found', 'This tenant has no connection signing certificate: Tessera signs no requests to SAML identity providers.');
  }
  const certificate = (await services.keys.keyRing(request.tenant.id)).applicationCertificate();
  if (!certificate) throw new AuthApiError(404, 'not_found', 'This tenant has no signing certificate.');
  if (format.download) reply.header('content-disposition', `attachment; filename="${request.tenant.name}.${format.download}"`);
  // Public, and short-lived in caches as the JWKS: the certificate changes at each rotation.
  return reply
    .header('content-type', format.contentType)
    .header('cache-control', 'public, max-age=15, stale-while-revalidate=15')
    .header('access-control-allow-origin', '*')
    .send(format.body(certificate));
}
