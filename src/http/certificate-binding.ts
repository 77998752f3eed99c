/**
 * The one check every resource Tessera serves makes on a certificate-bound access token (RFC 8705
 * §3): `/userinfo` (Authentication API) and `/api/v2` (Management API) both call
 * certificateBindingProblem, and answer its reason as their API's 401 `invalid_token`. A token with
 * `cnf.x5t#S256` is good only with that certificate presented on this very request (mutual TLS on
 * the alias host, or a trusted edge's header, server/client-certificate.ts); without it, a stolen
 * bound token would be an ordinary bearer token wherever this check is missing.
 */
import type { FastifyRequest } from 'fastify';
import { boundThumbprint, certificateThumbprint } from '../crypto/certificate-thumbprint.js';

const thumbprints = new WeakMap<FastifyRequest, string>();

/** The presented certificate's `x5t#S256`, computed once per request; undefined without a certificate. */
export function presentedThumbprint(request: FastifyRequest): string | undefined {
  const presented = request.clientCertificate;
  if (!presented) return undefined;
  let thumbprint = thumbprints.get(request);
  if (thumbprint === undefined) {
    thumbprint = certificateThumbprint(presented.certificate);
    thumbprints.set(request, thumbprint);
  }
  return thumbprint;
}

/** Why a token with this `cnf` claim may not be used on this request; undefined when it may (unbound, or its certificate presented). */
export function certificateBindingProblem(request: FastifyRequest, cnf: unknown): string | undefined {
  // A `cnf` that is present but not a certificate confirmation Tessera understands is refused too:
  // a resource server must not treat a sender-constrained token it cannot check as a bearer token.
  if (cnf === undefined) return undefined;
  const bound = boundThumbprint(cnf);
  if (bound === undefined) return 'The access token carries a confirmation (cnf) this server cannot check';
  const presented = presentedThumbprint(request);
  if (!presented) return 'The access token is certificate-bound: present its client certificate over mutual TLS';
  if (presented !== bound) return 'The access token is bound to another client certificate';
  return undefined;
}
