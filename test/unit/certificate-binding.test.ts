/** Issue 16: when a token is certificate-bound, when a binding is required, and the edge header's parsing. */
import { describe, expect, it } from 'vitest';
import { bindingFor, bindingRequirement, checkProofOfPossession, ProofOfPossessionRequired } from '../../src/domain/tokens/certificate-binding.js';
import { fromEdgeHeaders } from '../../src/server/client-certificate.js';
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
  it('refuses repeated, oversized and malformed values as invalid_request', () => {
    for (const value of [['a', 'b'], 'x'.repeat(4097), '%ZZ', 'plain text']) {
      expect(() => fromEdgeHeaders(value, 'SUCCESS')).toThrow(expect.objectContaining({ statusCode: 400, error: 'invalid_request' }));
    }
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
