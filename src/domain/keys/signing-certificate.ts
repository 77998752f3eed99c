/**
 * The certificate of a tenant signing key in every form Auth0 hands it out: PEM and DER (CER), a
 * certs-only PKCS#7 (P7B), the subject as `/CN=…`, and the SHA-1 fingerprint and thumbprint. The
 * Management API (`/keys/signing`, a client's `signing_keys`) and the public downloads (`/pem`,
 * `/cer`, `/rawpem`, `/pb7`, `/fingerprint`) all take them from here.
 */
import { X509Certificate } from 'node:crypto';
import { fingerprintsOf, pkcs7Of } from '../../crypto/x509.js';

export interface SigningCertificate {
  /** X.509, PEM. */
  pem: string;
  /** X.509, DER (the `.cer` download). */
  der: Buffer;
  /** Certs-only PKCS#7, PEM. */
  pkcs7: string;
  /** The subject's distinguished name in OpenSSL's one-line form, as Auth0 writes it: `/CN=dev.localhost`. */
  subject: string;
  /** SHA-1 of the DER, colon-separated uppercase hex. */
  fingerprint: string;
  /** The same hex without colons. */
  thumbprint: string;
}

export function signingCertificateOf(certPem: string): SigningCertificate {
  const cert = new X509Certificate(certPem);
  const der = Buffer.from(cert.raw);
  return {
    pem: certPem,
    der,
    pkcs7: pkcs7Of(der),
    subject: `/${cert.subject.split('\n').join('/')}`,
    ...fingerprintsOf(der),
  };
}
