/**
 * Route validators and Management API response serializers are compiled at first use
 * (src/http/deferred-compilation.ts). This compiles every one of them on the fully built server,
 * so that a schema that does not compile fails here, not at some route's first request in production.
 *
 * @storage-neutral (the routes' declared schemas): runs on SQLite only (test/support/suite-plan.ts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(async () => server?.close());

it('every route schema of the server compiles', () => {
  // Hundreds: every body, query, params and headers schema, and every Management API response schema.
  expect(server.app.compileDeferredSchemas()).toBeGreaterThan(200);
});
