/**
 * Mints JWT access tokens in the API's token dialect:
 *  - `access_token` (Auth0 profile): typ JWT, `azp`, `gty`;
 *  - `rfc9068_profile`: typ at+jwt, `client_id`, `jti`, no `gty`;
 *  - the `*_authz` variants add a `permissions` array;
 *  - a certificate-bound token carries `cnf: {"x5t#S256": …}` (RFC 8705 §3.1);
 *  - for an API with `token_encryption`, the signed JWT goes out nested in a compact JWE for the
 *    API's public key (resource-servers/token-encryption.ts): the same claims, the same signature.
 * Every access token for an API is minted here, whatever the grant.
 * The key follows the API's signing algorithm: the tenant's current RSA (RS256/PS256) or EC (ES256)
 * key, or the API's own secret for HS256.
 */
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ResourceServer } from '../resource-servers/resource-server.js';
import type { KeyRing } from '../keys/key-ring.js';
import { signJwt, type JwsSigningKey } from './jws.js';
import { confirmationClaim } from '../../crypto/certificate-thumbprint.js';
import { encryptAccessToken } from '../resource-servers/token-encryption.js';

export interface AccessTokenRequest {
  issuer: string;
  subject: string;
  audience: string | string[];
  clientId: string;
  scopes: string[];
  /** Auth0's `gty` value, e.g. `client-credentials`; omitted from RFC 9068 tokens. */
  grantType?: string;
  permissions?: string[];
  /** RFC 9396 §9.1: the approved rich authorization details, as the `authorization_details` claim. */
  authorizationDetails?: ReadonlyArray<Record<string, unknown>>;
  lifetimeSeconds: number;
  now: number;
  /** The client certificate's `x5t#S256` when the token is certificate-bound (certificate-binding.ts). */
  certificateThumbprint?: string;
}

/**
 * HS256 signing keys, reused so the encoded header cached per key object (jws.ts) is too. Keyed by
 * API id, holding only that API's current secret (a rotated one replaces the entry), and bounded,
 * so neither rotated secrets nor many APIs' secrets pile up in memory.
 */
const hsKeys = new LRUCache<string, { secret: string; key: JwsSigningKey }>({ max: 256 });

/** The signing key of an HS256 API, for its current secret. */
export function hs256KeyFor(api: Pick<ResourceServer, 'id' | 'signing_secret'>): JwsSigningKey {
  const secret = api.signing_secret ?? '';
  const cached = hsKeys.get(api.id);
  if (cached && cached.secret === secret) return cached.key;
  const key: JwsSigningKey = { alg: 'HS256', key: Buffer.from(secret) };
  hsKeys.set(api.id, { secret, key });
  return key;
}

function signingKeyFor(api: ResourceServer, ring: KeyRing): JwsSigningKey {
  switch (api.signing_alg) {
    case 'HS256':
      return hs256KeyFor(api);
    default: {
      // RS256 (also the fallback for a document without signing_alg) and PS256 sign with the
      // tenant's RSA key, ES256 with its EC key (created with the first ES256 API).
      const alg = api.signing_alg === 'PS256' || api.signing_alg === 'ES256' ? api.signing_alg : 'RS256';
      const key = ring.signerFor(alg);
      if (!key) throw new Error(`tenant has no current key for ${alg}`);
      return key;
    }
  }
}

export function mintAccessToken(api: ResourceServer, ring: KeyRing, request: AccessTokenRequest): string {
  const rfc9068 = api.token_dialect === 'rfc9068_profile' || api.token_dialect === 'rfc9068_profile_authz';
  const withPermissions = api.token_dialect === 'access_token_authz' || api.token_dialect === 'rfc9068_profile_authz';
  const exp = request.now + request.lifetimeSeconds;
  const claims: Record<string, unknown> = rfc9068
    ? {
        iss: request.issuer,
        sub: request.subject,
        aud: request.audience,
        iat: request.now,
        exp,
        jti: randomBytes(16).toString('base64url'),
        client_id: request.clientId,
      }
    : { iss: request.issuer, sub: request.subject, aud: request.audience, iat: request.now, exp };
  if (request.scopes.length > 0) claims.scope = request.scopes.join(' ');
  if (!rfc9068) {
    if (request.grantType) claims.gty = request.grantType;
    claims.azp = request.clientId;
  }
  if (withPermissions) claims.permissions = request.permissions ?? request.scopes;
  if (request.authorizationDetails) claims.authorization_details = request.authorizationDetails;
  if (request.certificateThumbprint) claims.cnf = confirmationClaim(request.certificateThumbprint);
  const jws = signJwt(signingKeyFor(api, ring), claims, rfc9068 ? 'at+jwt' : 'JWT');
  return api.token_encryption ? encryptAccessToken(api.token_encryption, jws) : jws;
}
