import { describe, expect, it } from 'vitest';
import { checkRoleName, newRoleId, toRole } from '../../src/domain/roles/role.js';
import { comparePermissions, distinctPermissions } from '../../src/domain/roles/permissions.js';
import { groupGrants } from '../../src/domain/roles/permission-sources.js';
import type { PermissionGrant } from '../../src/storage/repositories/roles.js';

describe('role ids', () => {
  it('are rol_ and 16 alphanumerics, and do not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, newRoleId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^rol_[A-Za-z0-9]{16}$/);
  });
});

describe('role fields', () => {
  it('shows a description only when one was given', () => {
    const base = { tenantId: 't', id: 'rol_1', name: 'Admin', createdAt: '', updatedAt: '' };
    expect(toRole({ ...base, document: {} })).toEqual({ id: 'rol_1', name: 'Admin' });
    expect(toRole({ ...base, document: { description: '' } })).toEqual({ id: 'rol_1', name: 'Admin', description: '' });
  });

  it('rejects blank names, keeps others exactly', () => {
    expect(() => checkRoleName('   ')).toThrow(/name/);
    expect(checkRoleName(' Admin ')).toBe(' Admin ');
  });
});

describe('permission inputs', () => {
  it('drops repeats, keeping first-seen order', () => {
    const p = (api: string, name: string) => ({ resource_server_identifier: api, permission_name: name });
    expect(distinctPermissions([p('b', 'x'), p('a', 'y'), p('b', 'x'), p('a', 'x')])).toEqual([
      { api: 'b', name: 'x' },
      { api: 'a', name: 'y' },
      { api: 'a', name: 'x' },
    ]);
  });

  it('order by API identifier, then name', () => {
    const list = [{ api: 'b', name: 'a' }, { api: 'a', name: 'z' }, { api: 'a', name: 'b' }];
    expect([...list].sort(comparePermissions)).toEqual([{ api: 'a', name: 'b' }, { api: 'a', name: 'z' }, { api: 'b', name: 'a' }]);
  });
});

describe('a user permission list with sources', () => {
  const direct = (api: string, name: string): PermissionGrant => ({ api, name, source: 'direct' });
  const viaRole = (api: string, name: string, roleId: string, roleName: string): PermissionGrant => ({ api, name, source: 'role', roleId, roleName });

  it('lists each permission once, direct source first, then roles by name', () => {
    const grouped = groupGrants([
      viaRole('https://api', 'read:x', 'rol_b', 'Writers'),
      direct('https://api', 'read:x'),
      viaRole('https://api', 'read:x', 'rol_a', 'Readers'),
      viaRole('https://api', 'write:x', 'rol_b', 'Writers'),
      direct('https://api', 'read:x'),
    ]);
    expect(grouped).toEqual([
      {
        api: 'https://api',
        name: 'read:x',
        sources: [
          { source_id: '', source_name: '', source_type: 'DIRECT' },
          { source_id: 'rol_a', source_name: 'Readers', source_type: 'ROLE' },
          { source_id: 'rol_b', source_name: 'Writers', source_type: 'ROLE' },
        ],
      },
      { api: 'https://api', name: 'write:x', sources: [{ source_id: 'rol_b', source_name: 'Writers', source_type: 'ROLE' }] },
    ]);
  });

  it('orders permissions by API, then name', () => {
    const grouped = groupGrants([direct('https://b', 'a'), direct('https://a', 'z'), direct('https://a', 'b')]);
    expect(grouped.map((p) => `${p.api} ${p.name}`)).toEqual(['https://a b', 'https://a z', 'https://b a']);
  });
});
