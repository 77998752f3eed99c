import { describe, expect, it } from 'vitest';
import { complianceProfileOf, conformantErrorCode, checkComplianceLevelPar } from '../../src/domain/clients/compliance-levels.js';

describe('compliance levels (domain/clients/compliance-levels.ts)', () => {
  it('only the two FAPI 2.0 levels enforce a profile; none, null and FAPI 1 names do not reach one', () => {
    for (const level of [null, undefined, 'none', 'fapi1_adv_pkj_par', 'fapi1_adv_mtls_par', 'constructor', '__proto__']) {
      expect(complianceProfileOf({ compliance_level: level })).toBeUndefined();
    }
    expect(complianceProfileOf({ compliance_level: 'fapi2_sp_pkj_mtls' })).toMatchObject({ clientAuthMethods: ['private_key_jwt'], assertionAudienceIsIssuer: true, codeLifetimeSeconds: 60 });
    expect(complianceProfileOf({ compliance_level: 'fapi2_sp_mtls_mtls' })).toMatchObject({ clientAuthMethods: ['tls_client_auth', 'self_signed_tls_client_auth'], assertionAudienceIsIssuer: false });
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
});
