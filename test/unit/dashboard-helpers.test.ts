/**
 * The dashboard's pure helpers: tenant name rules (the create-tenant form), token refresh timing and
 * the per-tenant token cache (api/tenant-tokens.ts), and the setup token read from the fragment.
 */
import { describe, expect, it } from 'vitest';
import { RESERVED_TENANT_NAMES, tenantNameProblem } from '../../dashboard/src/lib/tenant-name.js';
import { MIN_REFRESH_DELAY_MS, needsRefresh, refreshAt } from '../../dashboard/src/lib/token-timing.js';
import { TenantTokens, type MintedToken } from '../../dashboard/src/api/tenant-tokens.js';
import { tenantFetch } from '../../dashboard/src/api/tenant-fetch.js';
import { readSetupToken } from '../../dashboard/src/features/setup/setup-token.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tenantNameProblem as serverTenantNameProblem } from '../../src/domain/tenants/tenant-names.js';

describe('tenant name rules', () => {
  it('accepts DNS-label names of 3 to 63 characters', () => {
    for (const name of ['abc', 'acme', 'acme-prod', 'a1-b2', '123', 'x'.repeat(63), 'admin2', 'my-api']) {
      expect(tenantNameProblem(name), name).toBeUndefined();
    }
  });

  it('refuses length, case, characters and edge hyphens with a sentence', () => {
    expect(tenantNameProblem('')).toBe('Enter a name.');
    expect(tenantNameProblem('ab')).toBe('Use at least 3 characters.');
    expect(tenantNameProblem('x'.repeat(64))).toBe('Use at most 63 characters.');
    expect(tenantNameProblem('Acme')).toBe('Use lowercase letters only.');
    expect(tenantNameProblem('ac_me')).toBe('Use only lowercase letters, digits and hyphens.');
    expect(tenantNameProblem('ac.me')).toBe('Use only lowercase letters, digits and hyphens.');
    expect(tenantNameProblem('acmé')).toBe('Use only lowercase letters, digits and hyphens.');
    expect(tenantNameProblem('-acme')).toBe('A name cannot begin or end with a hyphen.');
    expect(tenantNameProblem('acme-')).toBe('A name cannot begin or end with a hyphen.');
  });

  it('refuses the reserved names and xn-- (punycode) names', () => {
    expect([...RESERVED_TENANT_NAMES].sort()).toEqual(
      ['accounts', 'admin', 'api', 'auth', 'cdn', 'login', 'manage', 'static', 'support', 'tessera', 'www'].sort(),
    );
    for (const name of RESERVED_TENANT_NAMES) expect(tenantNameProblem(name), name).toBe(`"${name}" is reserved.`);
    expect(tenantNameProblem('xn--acme')).toBe('"xn--acme" is reserved.');
  });

  it('never accepts a name the server refuses (the server stays the authority)', () => {
    const samples = ['abc', 'Abc', 'a_b', 'a-', '-a', 'ab', 'a'.repeat(64), 'a--b', 'ok-1', 'é-a', 'a b', 'a.b'];
    for (const name of samples) {
      if (tenantNameProblem(name) === undefined) expect(serverTenantNameProblem(name), name).toBeUndefined();
    }
  });
});

describe('token refresh timing', () => {
  it('refreshes at 80% of the life', () => {
    expect(refreshAt(1_000_000, 600)).toBe(1_000_000 + 480_000);
    expect(needsRefresh(1_000_000 + 479_999, 1_000_000, 600)).toBe(false);
    expect(needsRefresh(1_000_000 + 480_000, 1_000_000, 600)).toBe(true);
  });

  it('waits a floor before refreshing a very short token, but never past its expiry', () => {
    expect(refreshAt(0, 1)).toBe(MIN_REFRESH_DELAY_MS);
    expect(needsRefresh(999, 0, 1)).toBe(false);
    expect(needsRefresh(1_000, 0, 1)).toBe(true);
    expect(needsRefresh(0, 0, 0)).toBe(true);
    expect(needsRefresh(0, 0, -5)).toBe(true);
  });
});

describe('per-tenant tokens', () => {
  const token = (n: number, expiresIn = 600): MintedToken => ({ access_token: `t${n}`, expires_in: expiresIn, scope: 'read:users', management_api: 'http://acme.localhost/api/v2/' });

  function setup() {
    let now = 0;
    let minted = 0;
    const calls: string[] = [];
    const tokens = new TenantTokens(
      async (tenant) => {
        calls.push(tenant);
        minted += 1;
        return token(minted);
      },
      () => now,
    );
    return { tokens, calls, advance: (ms: number) => (now += ms) };
  }

  it('reuses a token until 80% of its life, then mints a new one', async () => {
    const { tokens, calls, advance } = setup();
    expect((await tokens.get('acme')).access_token).toBe('t1');
    advance(479_999);
    expect((await tokens.get('acme')).access_token).toBe('t1');
    advance(1);
    expect((await tokens.get('acme')).access_token).toBe('t2');
    expect(calls).toEqual(['acme', 'acme']);
  });

  it('keeps one token per tenant and mints once for concurrent callers', async () => {
    const { tokens, calls } = setup();
    const [a, b, c] = await Promise.all([tokens.get('acme'), tokens.get('acme'), tokens.get('dev')]);
    expect(a).toBe(b);
    expect(c.access_token).not.toBe(a.access_token);
    expect(calls.sort()).toEqual(['acme', 'dev']);
  });

  it('mints again after invalidate (a 401) and after clear (sign-out)', async () => {
    const { tokens, calls } = setup();
    await tokens.get('acme');
    tokens.invalidate('acme');
    expect((await tokens.get('acme')).access_token).toBe('t2');
    tokens.clear();
    expect((await tokens.get('acme')).access_token).toBe('t3');
    expect(calls).toHaveLength(3);
  });

  it('does not keep a token whose mint was under way when it was invalidated', async () => {
    let release!: (t: MintedToken) => void;
    let n = 0;
    const tokens = new TenantTokens(() => {
      n += 1;
      return n === 1 ? new Promise<MintedToken>((done) => (release = done)) : Promise.resolve(token(n));
    });
    const stale = tokens.get('acme');
    tokens.invalidate('acme');
    release(token(1));
    expect((await stale).access_token).toBe('t1');
    expect((await tokens.get('acme')).access_token).toBe('t2');
  });

  it('lets a failed mint fail its callers and tries again next time', async () => {
    let fail = true;
    const tokens = new TenantTokens(async () => {
      if (fail) throw new Error('403');
      return token(9);
    });
    await expect(tokens.get('acme')).rejects.toThrow('403');
    fail = false;
    expect((await tokens.get('acme')).access_token).toBe('t9');
  });
});

describe('setup token from the fragment', () => {
  it('reads #token= and nothing else', () => {
    expect(readSetupToken('#token=abc123')).toBe('abc123');
    expect(readSetupToken('token=abc%2B1')).toBe('abc+1');
    expect(readSetupToken('#other=1&token=x')).toBe('x');
    expect(readSetupToken('')).toBeUndefined();
    expect(readSetupToken('#token=')).toBeUndefined();
    expect(readSetupToken('#tokens=abc')).toBeUndefined();
  });
});

describe('management API fetch with tenant tokens', () => {
  function harness(statuses: number[]) {
    let minted = 0;
    const seen: { auth: string | null; body: string }[] = [];
    let signIns = 0;
    const tokens = new TenantTokens(async () => {
      minted += 1;
      return { access_token: `tok${minted}`, expires_in: 600, scope: '', management_api: 'http://acme.localhost/api/v2/' };
    });
    const send = tenantFetch('acme', {
      tokens,
      fetch: async (request) => {
        seen.push({ auth: request.headers.get('authorization'), body: await request.text() });
        return new Response('{}', { status: statuses.shift() ?? 200 });
      },
      onSignInNeeded: () => (signIns += 1),
    });
    return { send, seen, signIns: () => signIns };
  }
  const patch = () => new Request('http://acme.localhost/api/v2/users/u1', { method: 'PATCH', body: '{"blocked":true}' });

  it('sends the bearer token and reuses it', async () => {
    const h = harness([200, 200]);
    expect((await h.send(patch())).status).toBe(200);
    expect((await h.send(patch())).status).toBe(200);
    expect(h.seen.map((s) => s.auth)).toEqual(['Bearer tok1', 'Bearer tok1']);
    expect(h.signIns()).toBe(0);
  });

  it('retries a 401 once with a fresh token and the same body', async () => {
    const h = harness([401, 200]);
    expect((await h.send(patch())).status).toBe(200);
    expect(h.seen).toEqual([
      { auth: 'Bearer tok1', body: '{"blocked":true}' },
      { auth: 'Bearer tok2', body: '{"blocked":true}' },
    ]);
    expect(h.signIns()).toBe(0);
  });

  it('goes to sign-in after a second 401, and does not retry a 403', async () => {
    const h = harness([401, 401]);
    expect((await h.send(patch())).status).toBe(401);
    expect(h.signIns()).toBe(1);
    const forbidden = harness([403]);
    expect((await forbidden.send(patch())).status).toBe(403);
    expect(forbidden.seen).toHaveLength(1);
  });
});

describe('dashboard sources', () => {
  it('import nothing from the server or Node (the browser bundle stands alone)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name)) files.push(path);
      }
    };
    walk('dashboard/src');
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((file) => {
      const source = readFileSync(file, 'utf8');
      return /from\s+['"](node:|(\.\.\/)+(src|test)\/)/.test(source) || /from\s+['"](fastify|kysely|better-sqlite3|pg)['"]/.test(source);
    });
    expect(offenders).toEqual([]);
  });
});
