/**
 * Response schemas describe and never refuse: a stored value outside a documented enum is written as
 * it is, in every shape of a list (array, with totals), instead of failing the serializer (a 500).
 */
import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerResponseSerializer, withoutEnums } from '../../src/management-api/response-serializer.js';
import { OffsetListSchema } from '../../src/management-api/pagination.js';
import { OneOf } from '../../src/management-api/schema.js';
import { DeferredCompilations } from '../../src/http/deferred-compilation.js';

const Item = Type.Object({ app_type: Type.Optional(OneOf(['spa', 'native'] as const)), name: Type.Optional(Type.String()) });
const app = Fastify();

beforeAll(async () => {
  registerResponseSerializer(app, new DeferredCompilations());
  const List = OffsetListSchema('clients', Item);
  app.get('/array', { schema: { response: { 200: List } } }, async () => [{ app_type: 'legacy', name: 'a', undeclared: 'x' }]);
  app.get('/totals', { schema: { response: { 200: List } } }, async () => ({ clients: [{ app_type: 'legacy', name: 'a' }], start: 0, limit: 50, total: 1 }));
  await app.ready();
});
afterAll(() => app.close());

describe('Management API response serializer', () => {
  it('writes a list whose item holds a value outside the documented enum, as an array', async () => {
    const response = await app.inject({ url: '/array' });
    expect(response.statusCode).toBe(200);
    // Still the schema's serializer: undeclared properties are left out, as before.
    expect(response.json()).toEqual([{ app_type: 'legacy', name: 'a' }]);
  });

  it('and with totals', async () => {
    const response = await app.inject({ url: '/totals' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ clients: [{ app_type: 'legacy', name: 'a' }], start: 0, limit: 50, total: 1 });
  });

  it('drops enum keywords only, never a property named enum', () => {
    const schema = { type: 'object', properties: { enum: { type: 'string', enum: ['a'] }, list: { type: 'array', items: { enum: ['x'], type: 'string' } } } };
    expect(withoutEnums(schema)).toEqual({ type: 'object', properties: { enum: { type: 'string' }, list: { type: 'array', items: { type: 'string' } } } });
  });
});
