/**
 * Creates a tenant signing key: the key pair, its self-signed certificate (published as x5c,
 * as Auth0 does) and the public JWK that goes into the JWKS.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createSelfSignedCertificate, x5tOf } from '../../crypto/x509.js';
import type { SigningKeyAlg, SigningKeyRecord, SigningKeyState } from '../../storage/repositories/signing-keys.js';
import { newKeyId } from '../ids.js';
import { keyFamily } from './key-families.js';
import { nowIso } from '../clock.js';

export async function createSigningKey(opts: {
  tenantId: string;
  tenantDomain: string;
  alg: SigningKeyAlg;
  state: SigningKeyState;
}): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } =
    opts.alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = newKeyId();
  const cert = await createSelfSignedCertificate({ privateKey, publicKey, commonName: opts.tenantDomain });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const now = nowIso();
  return {
    tenantId: opts.tenantId,
    kid,
    alg: opts.alg,
    state: opts.state,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { ...jwk, kid, use: keyFamily(opts.alg).use, alg: opts.alg, x5t: x5tOf(cert.der), x5c: [cert.der.toString('base64')] },
    certPem: cert.pem,
    createdAt: now,
    currentSince: opts.state === 'current' ? now : null,
    currentUntil: null,
    revokedAt: null,
  };
}
