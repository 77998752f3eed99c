/**
 * The dashboard's generated API types (dashboard/src/api/generated/) are what `npm run api:types`
 * writes from the server as it is now: this builds the server in process from the sources,
 * regenerates each file in memory and compares it with the committed one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_DOCUMENTS, GENERATED_DIR, generateApiTypes } from '../../scripts/api-types.mjs';
import { loadConfig } from '../../src/config/config.js';
import { closeRuntime, openRuntime } from '../../src/cli/runtime.js';
import { buildServer } from '../../src/server/app.js';
import { ensureTenant } from '../../src/domain/bootstrap.js';
import { ensureAdminTenant } from '../../src/domain/control-plane/admin-tenant.js';

describe('dashboard API types', () => {
  it('match the server OpenAPI documents (run `npm run api:types` and commit when this fails)', async () => {
    const files = await generateApiTypes({ loadConfig, openRuntime, closeRuntime, buildServer, ensureTenant, ensureAdminTenant });
    expect(files.map((f) => f.file)).toEqual(API_DOCUMENTS.map((d) => d.file));
    for (const { file, contents } of files) {
      const committed = readFileSync(join(GENERATED_DIR, file), 'utf8');
      // A plain equality: a diff of 200 kB would drown the message.
      expect(contents === committed, `${GENERATED_DIR}/${file} is out of date: run \`npm run api:types\``).toBe(true);
    }
    // The generated management types carry the routes the dashboard calls.
    const management = files.find((f) => f.file === 'management.ts')!.contents;
    expect(management).toContain('"/api/v2/users": {');
    expect(management).toContain('"/api/v2/clients": {');
    const control = files.find((f) => f.file === 'control.ts')!.contents;
    expect(control).toContain('"/api/control/v1/tenants/{name}/token": {');
  });
});
