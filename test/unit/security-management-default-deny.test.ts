/**
 * Finding 1 of issue 11: the Management API denies by default. A route that declares neither
 * `scopes` nor `public` cannot even be registered (and would answer every token 403 if it were),
 * so a new route can never be reachable by any valid token by omission.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerManagementAuthentication } from '../../src/management-api/authenticate.js';
import type { Services } from '../../src/domain/services.js';
import { anyOf } from '../../src/management-api/scopes.js';

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
