import { describe, expect, it } from 'vitest';
import { noWildcardCallbacks } from '../../src/domain/oidc/authorization-checks/no-wildcard-callbacks.js';
import { AuthorizationPageError } from '../../src/domain/oidc/authorization-errors.js';
import { complianceProfileOf, conformantErrorCode, checkComplianceLevelCredentials } from '../../src/domain/clients/compliance-levels.js';
import { checkPushedAuthorizationSetting } from '../../src/domain/clients/client-rules.js';

const checkComplianceLevelPar = (input: { compliance_level: unknown }, tenantAllowsPar: boolean) => checkPushedAuthorizationSetting('compliance_level', input, tenantAllowsPar);

describe('compliance levels (domain/clients/compliance-levels.ts)', () => {
  it('the FAPI 1 and FAPI 2.0 levels enforce a profile; none, null and other names do not reach one', () => {
    for (const level of [null, undefined, 'none', 'fapi1', 'constructor', '__proto__']) {
      expect(complianceProfileOf({ compliance_level: level })).toBeUndefined();
    }
    expect(complianceProfileOf({ compliance_level: 'fapi2_sp_pkj_mtls' })).toMatchObject({ clientAuthMethods: ['private_key_jwt'], assertionAudienceIsIssuer: true, codeLifetimeSeconds: 60 });
    expect(complianceProfileOf({ compliance_level: 'fapi2_sp_mtls_mtls' })).toMatchObject({ clientAuthMethods: ['tls_client_auth', 'self_signed_tls_client_auth'], assertionAudienceIsIssuer: false });
    // FAPI 1 Advanced: the rows FAPI 2.0 does not have, and none of FAPI 2.0's own (iss, 60 s code, binding, strict aud).
    const fapi1 = { requiresSignedRequestObject: true, requestObjectAlgs: ['PS256'], requestObjectNbfRequired: true, noWildcardCallbacks: true, idTokenStateHash: true, fapiInteractionId: true };
    const notFapi2 = { issInAuthorizationResponse: false, codeLifetimeSeconds: undefined, senderConstrained: false, assertionAudienceIsIssuer: false, responseTypes: ['code id_token'] };
    expect(complianceProfileOf({ compliance_level: 'fapi1_adv_pkj_par' })).toMatchObject({ ...fapi1, ...notFapi2, clientAuthMethods: ['private_key_jwt'] });
    expect(complianceProfileOf({ compliance_level: 'fapi1_adv_mtls_par' })).toMatchObject({ ...fapi1, ...notFapi2, clientAuthMethods: ['tls_client_auth', 'self_signed_tls_client_auth'] });
    for (const level of ['fapi2_sp_pkj_mtls', 'fapi2_sp_mtls_mtls']) {
      expect(complianceProfileOf({ compliance_level: level })).toMatchObject({ requiresSignedRequestObject: false, requestObjectAlgs: undefined, noWildcardCallbacks: false, idTokenStateHash: false, fapiInteractionId: false });
    }
  });

  it('FAPI 1: the request-object credentials must all be PS256', () => {
    const client = { compliance_level: 'fapi1_adv_pkj_par', signed_request_object: { required: false, credentials: [{ id: 'cred_ps' }, { id: 'cred_es' }] } } as never;
    expect(() => checkComplianceLevelCredentials(client, [{ id: 'cred_ps', alg: 'PS256' }, { id: 'cred_es', alg: 'ES256' }])).toThrow(/signed_request_object credentials to use alg PS256 \(credential cred_es uses ES256\)/);
    expect(() => checkComplianceLevelCredentials(client, [{ id: 'cred_ps', alg: 'PS256' }, { id: 'cred_es', alg: 'PS256' }, { id: 'other', alg: 'RS256' }])).not.toThrow();
    const fapi2 = { compliance_level: 'fapi2_sp_pkj_mtls', signed_request_object: { required: false, credentials: [{ id: 'cred_es' }] } } as never;
    expect(() => checkComplianceLevelCredentials(fapi2, [{ id: 'cred_es', alg: 'ES256' }])).not.toThrow();
  });

  it('every level: the private_key_jwt credentials must be PS256 or ES256 (never RS256)', () => {
    for (const level of ['fapi2_sp_pkj_mtls', 'fapi1_adv_pkj_par']) {
      const client = { compliance_level: level, client_authentication_methods: { private_key_jwt: { credentials: [{ id: 'cred_rs' }] } } } as never;
      expect(() => checkComplianceLevelCredentials(client, [{ id: 'cred_rs', alg: 'RS256' }])).toThrow(/private_key_jwt credentials to use alg PS256 or ES256 \(credential cred_rs uses RS256\)/);
    }
    const client = { compliance_level: 'fapi2_sp_pkj_mtls', client_authentication_methods: { private_key_jwt: { credentials: [{ id: 'a' }, { id: 'b' }] } } } as never;
    expect(() => checkComplianceLevelCredentials(client, [{ id: 'a', alg: 'PS256' }, { id: 'b', alg: 'ES256' }, { id: 'unused', alg: 'RS256' }])).not.toThrow();
    expect(() => checkComplianceLevelCredentials({ compliance_level: null, client_authentication_methods: { private_key_jwt: { credentials: [{ id: 'a' }] } } } as never, [{ id: 'a', alg: 'RS256' }])).not.toThrow();
  });

  it('maps Auth0-specific error codes to standard ones for FAPI clients only', () => {
    const fapi = { compliance_level: 'fapi2_sp_mtls_mtls' };
    expect(conformantErrorCode(fapi, 'token', 'unauthorized')).toBe('invalid_grant');
    expect(conformantErrorCode(fapi, 'token', 'too_many_attempts')).toBe('invalid_grant');
    expect(conformantErrorCode(fapi, 'token', 'invalid_client')).toBe('invalid_client');
    expect(conformantErrorCode(fapi, 'token', 'something_new')).toBe('invalid_request');
    expect(conformantErrorCode(fapi, 'authorize', 'unauthorized')).toBe('access_denied');
    expect(conformantErrorCode(fapi, 'authorize', 'login_required')).toBe('login_required');
    expect(conformantErrorCode({ compliance_level: null }, 'token', 'unauthorized')).toBe('unauthorized');
    expect(conformantErrorCode(undefined, 'authorize', 'unauthorized')).toBe('unauthorized');
  });

  it('a FAPI level needs the tenant to allow PAR', () => {
    expect(() => checkComplianceLevelPar({ compliance_level: 'fapi2_sp_pkj_mtls' }, false)).toThrow(/'compliance_level' needs the tenant setting/);
    expect(() => checkComplianceLevelPar({ compliance_level: 'fapi2_sp_pkj_mtls' }, true)).not.toThrow();
    expect(() => checkComplianceLevelPar({ compliance_level: null }, false)).not.toThrow();
  });

  it('FAPI 1: an application stored with a wildcard callback cannot start an authorization request (no-wildcard-callbacks, an error page)', () => {
    const client = (level: string | null, callbacks: string[]) => ({ compliance_level: level, callbacks }) as never;
    const stage = (c: never) => ({ params: {}, client: c, placeholders: {} as never });
    expect(() => noWildcardCallbacks.check(stage(client('fapi1_adv_mtls_par', ['https://ok.example/cb', 'https://*.example.com/cb'])))).toThrow(AuthorizationPageError);
    expect(() => noWildcardCallbacks.check(stage(client('fapi1_adv_mtls_par', ['https://*.example.com/cb'])))).toThrow(/callbacks contain a wildcard, which compliance_level fapi1_adv_mtls_par does not allow/);
    expect(() => noWildcardCallbacks.check(stage(client('fapi1_adv_pkj_par', ['https://ok.example/cb'])))).not.toThrow();
    expect(() => noWildcardCallbacks.check(stage(client('fapi2_sp_pkj_mtls', ['https://*.example.com/cb'])))).not.toThrow();
    expect(() => noWildcardCallbacks.check(stage(client(null, ['https://*.example.com/cb'])))).not.toThrow();
  });
});
