/**
 * The pure helpers behind the member, invitation and session screens: role names and gates
 * (dashboard/src/lib/roles.ts), the fragment reader, the date format, and the error sentences.
 */
import { describe, expect, it } from 'vitest';
import { managesMembers, ROLE_IDS, ROLE_NAMES, ROLE_OPTIONS, roleName, sameRoles, sortRoles } from '../../dashboard/src/lib/roles.js';
import { readFragmentParam } from '../../dashboard/src/lib/fragment.js';
import { formatDateTime } from '../../dashboard/src/lib/format.js';
import { ERROR_SENTENCES, sentenceFor } from '../../dashboard/src/lib/error-messages.js';
import { DASHBOARD_ROLE_IDS, dashboardRole } from '../../src/domain/control-plane/dashboard-roles.js';

describe('dashboard roles', () => {
  it("are the server's six roles, with Auth0's names (en dash)", () => {
    expect([...ROLE_IDS].sort()).toEqual([...DASHBOARD_ROLE_IDS].sort());
    for (const id of ROLE_IDS) expect(ROLE_NAMES[id]).toBe(dashboardRole(id).name);
    expect(roleName('viewer_users')).toBe('Viewer \u2013 Users');
    expect(ROLE_OPTIONS.map((o) => o.label)).toEqual(['Admin', 'Editor \u2013 Users', 'Editor \u2013 Connections', 'Viewer \u2013 Users', 'Viewer \u2013 Config', 'Support Access']);
  });

  it('show an unknown role id as itself and sort it last', () => {
    expect(roleName('auditor')).toBe('auditor');
    expect(sortRoles(['auditor', 'viewer_users', 'admin'])).toEqual(['admin', 'viewer_users', 'auditor']);
  });

  it('let only Admins manage members', () => {
    expect(managesMembers(['admin'])).toBe(true);
    expect(managesMembers(['viewer_users', 'admin'])).toBe(true);
    expect(managesMembers(['editor_users', 'editor_connections', 'viewer_config', 'support_access', 'viewer_users'])).toBe(false);
    expect(managesMembers([])).toBe(false);
    expect(managesMembers(undefined)).toBe(false);
  });

  it('compare role lists as sets', () => {
    expect(sameRoles(['admin', 'viewer_users'], ['viewer_users', 'admin'])).toBe(true);
    expect(sameRoles(['admin'], ['admin', 'admin'])).toBe(true);
    expect(sameRoles(['admin'], ['viewer_users'])).toBe(false);
    expect(sameRoles(['admin'], ['admin', 'viewer_users'])).toBe(false);
    expect(sameRoles([], [])).toBe(true);
  });
});

describe('fragment parameters', () => {
  it('read one named value, with or without the #', () => {
    expect(readFragmentParam('#ticket=abc_DEF-1', 'ticket')).toBe('abc_DEF-1');
    expect(readFragmentParam('ticket=abc', 'ticket')).toBe('abc');
    expect(readFragmentParam('#token=abc', 'ticket')).toBeUndefined();
    expect(readFragmentParam('#ticket=', 'ticket')).toBeUndefined();
    expect(readFragmentParam('#ticket=%20%20', 'ticket')).toBeUndefined();
    expect(readFragmentParam('', 'ticket')).toBeUndefined();
    expect(readFragmentParam('#a=1&ticket=x%2By', 'ticket')).toBe('x+y');
  });
});

describe('date format', () => {
  it('formats an ISO date in the given locale and zone, and says Never for none', () => {
    // ICU versions differ in the space before AM (U+202F or U+0020).
    expect(formatDateTime('2026-12-07T03:04:05.000Z', { locale: 'en-US', timeZone: 'UTC' }).replace(/\s/gu, ' ')).toBe('Dec 7, 2026, 3:04 AM');
    expect(formatDateTime(undefined)).toBe('Never');
    expect(formatDateTime(null)).toBe('Never');
    expect(formatDateTime('not a date')).toBe('Unknown');
  });
});

describe('error sentences', () => {
  it('explain the known codes and fall back to the server message', () => {
    expect(sentenceFor('last_admin', 'A tenant must keep at least one Admin.')).toMatch(/at least one Admin/);
    expect(sentenceFor('email_mismatch', 'x')).toMatch(/another email address/);
    expect(sentenceFor('invitation_not_found', 'x')).toMatch(/expired/);
    expect(sentenceFor('something_new', 'The server said so.')).toBe('The server said so.');
    expect(sentenceFor(undefined, 'fallback')).toBe('fallback');
    for (const sentence of Object.values(ERROR_SENTENCES)) expect(sentence).toMatch(/^[A-Z].*\.$/);
  });
});
