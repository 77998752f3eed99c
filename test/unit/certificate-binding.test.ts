/** Issue 16: when a token is certificate-bound, when a binding is required, and the edge header's parsing. */
import { describe, expect, it } from 'vitest';
import { bindingFor, bindingRequirement, checkProofOfPossession, ProofOfPossessionRequired } from '../../src/domain/tokens/certificate-binding.js';
import { edgeHeaderProblem, edgeTrust, fromEdgeHeaders, clientCertificatesCanArrive } from '../../src/server/client-certificate.js';
import { loadConfig } from '../../src/config/config.js';
import type { Client } from '../../src/domain/clients/client.js';
import type { ResourceServer } from '../../src/domain/resource-servers/resource-server.js';

const client = (extra: Partial<Client> = {}) => ({ token_endpoint_auth_method: 'client_secret_post', ...extra }) as Client;
const api = (pop: unknown) => ({ identifier: 'https://api.example', proof_of_possession: pop }) as unknown as ResourceServer;

describe('certificate binding rules', () => {
  it('binds whenever a certificate is presented; requires one for require_proof_of_possession or a required mtls API', () => {
    expect(bindingFor(client(), undefined, 'thumb')).toBe('thumb');
    expect(bindingFor(client(), api(null), undefined)).toBeUndefined();
    expect(bindingFor(client(), api({ mechanism: 'mtls', required: false }), undefined)).toBeUndefined();
    expect(() => bindingFor(client({ require_proof_of_possession: true }), undefined, undefined)).toThrow(ProofOfPossessionRequired);
    expect(() => bindingFor(client(), api({ mechanism: 'mtls', required: true }), undefined)).toThrow(/proof_of_possession/);
  });

  it('required_for public_clients requires a binding of public clients only', () => {
    const pop = api({ mechanism: 'mtls', required: true, required_for: 'public_clients' });
    expect(bindingRequirement(client(), pop)).toBeUndefined();
    expect(bindingRequirement(client({ token_endpoint_auth_method: 'none' }), pop)).toMatch(/requires sender-constrained/);
  });

  it('an API accepts mtls (or nothing) and refuses DPoP and unknown members by name', () => {
    for (const ok of [null, undefined, {}, { mechanism: 'mtls' }, { mechanism: 'mtls', required: true, required_for: 'all_clients' }]) expect(() => checkProofOfPossession(ok)).not.toThrow();
    expect(() => checkProofOfPossession({ mechanism: 'dpop', required: true })).toThrow(/^proof_of_possession\.mechanism is not supported/);
    expect(() => checkProofOfPossession({ mechanism: 'mtls', bogus: 1 })).toThrow(/proof_of_possession\.bogus/);
    expect(() => checkProofOfPossession({ mechanism: 'mtls', required: 'yes' })).toThrow(/required/);
    expect(() => checkProofOfPossession({ mechanism: 'mtls', required_for: 'everyone' })).toThrow(/required_for/);
  });
});

describe('the edge client-certificate header', () => {
  it('refuses oversized and malformed values as invalid_request', () => {
    for (const value of ['x'.repeat(4097), '%ZZ', 'plain text']) {
      expect(() => fromEdgeHeaders('/oauth/token', value, 'SUCCESS')).toThrow(expect.objectContaining({ statusCode: 400, error: 'invalid_request' }));
    }
  });

  it('answers in the Management API format on /api/v2 paths', () => {
    expect(() => fromEdgeHeaders('/api/v2/clients', '%ZZ', undefined)).toThrow(expect.objectContaining({ statusCode: 400, errorCode: 'invalid_request' }));
  });

  it('counts repeats in the raw header list, in any case (Node joins them into one string)', () => {
    expect(edgeHeaderProblem(['Host', 'x', 'client-certificate', 'a'])).toBeUndefined();
    expect(edgeHeaderProblem(['client-certificate', 'a', 'Client-Certificate', 'b'])).toMatch(/client-certificate header must be sent once/);
    expect(edgeHeaderProblem(['client-certificate-ca-verified', 'SUCCESS', 'CLIENT-CERTIFICATE-CA-VERIFIED', 'FAILED'])).toMatch(/client-certificate-ca-verified header must be sent once/);
  });

  it('is believed only from an explicit TRUST_PROXY list, never with true', () => {
    expect(edgeTrust(true)('10.0.0.1')).toBe(false);
    expect(edgeTrust(false)('10.0.0.1')).toBe(false);
    expect(edgeTrust('10.0.0.0/8')('10.0.0.1')).toBe(true);
    expect(edgeTrust('10.0.0.0/8')('192.0.2.1')).toBe(false);
  });

  it('certificates can arrive only with the mTLS listener or an explicit edge list (discovery advertises bound tokens then)', () => {
    expect(clientCertificatesCanArrive({ trustProxy: true })).toBe(false);
    expect(clientCertificatesCanArrive({ trustProxy: false })).toBe(false);
    expect(clientCertificatesCanArrive({ trustProxy: '10.0.0.1' })).toBe(true);
    expect(clientCertificatesCanArrive({ trustProxy: false, mtls: { port: 8443 } })).toBe(true);
  });
});

describe('configuration', () => {
  const base = { TESSERA_BASE_DOMAIN: 'localhost' };
  it('TESSERA_MTLS_PORT needs TLS, TESSERA_MTLS_CA_FILE needs the port', () => {
    expect(() => loadConfig({ ...base, TESSERA_MTLS_PORT: '8443' })).toThrow(/TESSERA_MTLS_PORT/);
    expect(() => loadConfig({ ...base, TESSERA_MTLS_CA_FILE: '/ca.pem' })).toThrow(/TESSERA_MTLS_CA_FILE/);
    expect(() => loadConfig({ ...base, TLS_CERT_FILE: '/c', TLS_KEY_FILE: '/k', TESSERA_MTLS_PORT: 'x' })).toThrow(/TESSERA_MTLS_PORT/);
    expect(loadConfig({ ...base, TLS_CERT_FILE: '/c', TLS_KEY_FILE: '/k', TESSERA_MTLS_PORT: '8443', TESSERA_MTLS_CA_FILE: '/ca.pem' }).mtls).toEqual({ port: 8443, caFile: '/ca.pem' });
  });
});
