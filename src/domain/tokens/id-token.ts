/**
 * ID tokens: the user's claims for the granted scopes plus the protocol claims (`nonce`,
 * `auth_time`, `sid`, `at_hash`, `c_hash`, `s_hash`), signed as the application is configured —
 * with the tenant's key (RS256, PS256) or, for HS256 applications, with the client secret.
 */
import { createHash } from 'node:crypto';
import type { Client } from '../clients/client.js';
import type { KeyRing } from '../keys/key-ring.js';
import { signJwt, type JwsSigningKey } from './jws.js';

export interface IdTokenRequest {
  issuer: string;
  client: Client;
  claims: Record<string, unknown>;
  now: number;
  authTime?: number;
  nonce?: string;
  sid?: string;
  accessToken?: string;
  code?: string;
  /** The authorization request's `state`, for `s_hash` (FAPI 1 Advanced §5.2.2.1: the ID token as detached signature). */
  state?: string;
}

/** OIDC Core §3.3.2.11: base64url of the left half of the SHA-256 of the value (for SHA-256 algorithms). */
export const halfHash = (value: string): string => {
  const digest = createHash('sha256').update(value).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
};

/** Every algorithm an ID token may be signed with (`jwt_configuration.alg`), in discovery order. */
export const ID_TOKEN_SIGNING_ALGS = ['HS256', 'RS256', 'PS256'] as const satisfies readonly Client['jwt_configuration']['alg'][];

export function mintIdToken(ring: KeyRing, request: IdTokenRequest): string {
  const { client } = request;
  const payload: Record<string, unknown> = {
    ...request.claims,
    iss: request.issuer,
    aud: client.client_id,
    iat: request.now,
    exp: request.now + client.jwt_configuration.lifetime_in_seconds,
  };
  if (request.authTime !== undefined) payload.auth_time = request.authTime;
  if (request.sid !== undefined) payload.sid = request.sid;
  if (request.nonce !== undefined) payload.nonce = request.nonce;
  if (request.accessToken !== undefined) payload.at_hash = halfHash(request.accessToken);
  if (request.code !== undefined) payload.c_hash = halfHash(request.code);
  if (request.state !== undefined) payload.s_hash = halfHash(request.state);
  return signJwt(idTokenKey(client, ring), payload);
}

function idTokenKey(client: Client, ring: KeyRing): JwsSigningKey {
  const alg = client.jwt_configuration.alg;
  if (alg === 'HS256') {
    if (!client.client_secret) throw new Error('HS256 ID tokens need a client secret');
    const secret = client.jwt_configuration.secret_encoded ? Buffer.from(client.client_secret, 'base64url') : Buffer.from(client.client_secret);
    return { alg: 'HS256', key: secret };
  }
  const key = ring.signerFor(alg === 'PS256' ? 'PS256' : 'RS256');
  if (!key) throw new Error('tenant has no current RSA key');
  return key;
}
