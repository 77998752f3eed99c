/**
 * The mutual-TLS listener (TESSERA_MTLS_PORT), for when Tessera terminates TLS itself.
 *
 * Why a second listener: whether a TLS server asks for a client certificate is decided in the
 * handshake, before the request (and its path) exists, and Node cannot decide it per SNI name.
 * Asking on the main listener would make every browser on /authorize show a certificate picker.
 * So the main listener never asks, and this one always does (requestCert, but rejectUnauthorized
 * false: self-signed certificates are valid for `self_signed_tls_client_auth`, and whether a chain
 * verified is recorded, not enforced, see client-certificate.ts). It serves the same Fastify app,
 * but only the tenants' mTLS alias hosts (`mtls.{host}`) and on them only the mTLS endpoints
 * (tenant-resolution.ts).
 *
 * No proxy stands in front of this listener: the client's own TLS handshake ends here (that is how
 * its certificate is seen). So no forwarded header is meaningful on it, and none may be believed:
 * with TRUST_PROXY, Fastify would otherwise take X-Forwarded-For / -Host / -Proto from a client
 * that connects from a trusted address, and the client's IP (rate limits, brute-force protection,
 * logs) would be whatever it wrote. They are removed before the request reaches the app, so
 * `request.ip` is the socket's address; a custom domain's client-IP header is not applied either
 * (tenant-resolution.ts).
 */
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';

export interface MtlsListener {
  readonly server: Server;
  /** Whether the handshake checks chains against TESSERA_MTLS_CA_FILE (otherwise no chain counts as verified). */
  readonly verifiesChains: boolean;
}

const LISTENER = Symbol('tessera.mtlsListener');

/** The mTLS listener a connection came in on, if any. */
export function mtlsListenerOf(socket: Socket): MtlsListener | undefined {
  return (socket as Socket & { [LISTENER]?: MtlsListener })[LISTENER];
}

/** The listener, when TLS and TESSERA_MTLS_PORT are configured; the caller listens and closes it. */
export function createMtlsListener(app: FastifyInstance, config: Config): MtlsListener | undefined {
  if (!config.tls || config.mtls?.port === undefined) return undefined;
  const caFile = config.mtls.caFile;
  const server = createServer({
    cert: readFileSync(config.tls.certFile),
    key: readFileSync(config.tls.keyFile),
    requestCert: true,
    rejectUnauthorized: false,
    // Without a CA file no chain is believed (client-certificate.ts); the public roots are not used.
    ...(caFile ? { ca: readFileSync(caFile) } : {}),
  });
  const listener: MtlsListener = { server, verifiesChains: caFile !== undefined };
  server.on('secureConnection', (socket) => {
    (socket as Socket & { [LISTENER]?: MtlsListener })[LISTENER] = listener;
  });
  server.on('request', (req, res) => {
    for (const name of Object.keys(req.headers)) if (name.startsWith('x-forwarded-') || name === 'forwarded') delete req.headers[name];
    app.routing(req, res);
  });
  return listener;
}
