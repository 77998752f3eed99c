import { describe, expect, it } from 'vitest';
import { reservedNameProblem, tenantNameProblem } from '../../src/domain/tenants/tenant-names.js';

describe('tenant names (docs: 3–63 chars, lowercase alphanumerics and hyphens, no hyphen at either end)', () => {
  it.each(['dev', 'example-co', 'a1b', 'x'.repeat(63), 'prod-eu-2'])('accepts %s', (name) => {
    expect(tenantNameProblem(name)).toBeUndefined();
  });
  it.each(['ab', 'x'.repeat(64), 'Example', '-dev', 'dev-', 'dev_1', 'dév', 'a.b', ''])('rejects %s', (name) => {
    expect(tenantNameProblem(name)).toBeTypeOf('string');
  });
});

describe('reserved tenant names', () => {
  it('reserves mtls: mtls.{base domain} is the mTLS alias of the default tenant on the bare base domain', () => {
    expect(reservedNameProblem('mtls')).toBe('"mtls" is reserved');
    expect(reservedNameProblem('mtls-eu')).toBeUndefined();
  });
});
