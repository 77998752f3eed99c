/**
 * Finding 1 of issue 11: the Management API denies by default. A route that declares neither
 * `scopes` nor `public` cannot even be registered (and would answer every token 403 if it were),
 * so a new route can never be reachable by any valid token by omission.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerManagementAuthentication } from '../../src/management-api/authenticate.js';
import type { Services } from '../../src/domain/services.js';
import { allOf, anyOf } from '../../src/management-api/scopes.js';

async function appWith(register: (app: ReturnType<typeof Fastify>) => void): Promise<void> {
  const app = Fastify();
  await app.register(async (api) => {
    // The start-up check needs no service: nothing is verified before a request arrives.
    registerManagementAuthentication(api, {} as Services);
    register(api);
  });
  await app.ready();
  await app.close();
}

describe('finding 1: Management API routes deny by default', () => {
  it('finding 1: refuses to register a Management API route that declares no scopes', async () => {
    await expect(appWith((api) => api.get('/forgotten', async () => ({})))).rejects.toThrow('Management API route GET /forgotten declares no scopes');
  });

  it('accepts routes with scopes and public routes', async () => {
    await expect(
      appWith((api) => {
        api.get('/guarded', { config: anyOf('read:users') }, async () => ({}));
        api.get('/open', { config: { public: true } }, async () => ({}));
      }),
    ).resolves.toBeUndefined();
  });
});

describe('the default-deny check covers every way a route is added', () => {
  it('refuses a route without scopes in a child plugin', async () => {
    await expect(
      appWith((api) => {
        void api.register(async (child: FastifyInstance) => {
          child.post('/nested', async () => ({}));
        });
      }),
    ).rejects.toThrow('Management API route POST /nested declares no scopes');
  });

  it('refuses an explicit HEAD route and a multi-method route without scopes', async () => {
    await expect(appWith((api) => api.head('/bare', async () => ({})))).rejects.toThrow('Management API route HEAD /bare declares no scopes');
    await expect(appWith((api) => api.route({ method: ['GET', 'DELETE'], url: '/both', handler: async () => ({}) }))).rejects.toThrow('declares no scopes');
  });

  it('refuses an empty scope list, which an `all` requirement would let every token through', async () => {
    await expect(appWith((api) => api.get('/everyone', { config: allOf() }, async () => ({})))).rejects.toThrow('Management API route GET /everyone declares an empty scope list');
    await expect(appWith((api) => api.get('/nobody', { config: anyOf() }, async () => ({})))).rejects.toThrow('declares an empty scope list');
    await expect(
      appWith((api) => api.get('/users/:id', { config: { ...anyOf('read:users'), currentUser: { mode: 'all', scopes: [] } } }, async () => ({}))),
    ).rejects.toThrow('declares an empty scope list');
  });

  it('authenticates the HEAD route Fastify adds for a GET, with the GET’s scopes', async () => {
    const app = Fastify();
    const seen: Array<{ method: string; scopes: unknown }> = [];
    await app.register(async (api) => {
      registerManagementAuthentication(api, {} as Services);
      api.addHook('onRoute', (route) => {
        seen.push({ method: String(route.method), scopes: route.config?.scopes });
      });
      await api.register(async (child) => {
        child.get('/guarded', { config: anyOf('read:users') }, async () => ({ secret: true }));
      });
    });
    await app.ready();
    expect(seen).toEqual([
      { method: 'GET', scopes: { mode: 'any', scopes: ['read:users'] } },
      { method: 'HEAD', scopes: { mode: 'any', scopes: ['read:users'] } },
    ]);
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await app.inject({ method, url: '/guarded' });
      expect(response.statusCode).toBe(401);
      expect(response.body).not.toContain('secret');
    }
    await app.close();
  });
});
