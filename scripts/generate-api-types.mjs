#!/usr/bin/env node
/**
 * `npm run api:types`: compiles the server (tsc -p tsconfig.build.json), builds it in process, and
 * writes the dashboard's API types (scripts/api-types.mjs) into dashboard/src/api/generated/.
 * Commit the result; test/unit/dashboard-api-types.test.ts fails when it lags the server.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { API_DOCUMENTS, GENERATED_DIR, generateApiTypes } from './api-types.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const [{ loadConfig }, { openRuntime, closeRuntime }, { buildServer }, { ensureTenant }, { ensureAdminTenant }] = await Promise.all([
  load('config/config.js'),
  load('cli/runtime.js'),
  load('server/app.js'),
  load('domain/bootstrap.js'),
  load('domain/control-plane/admin-tenant.js'),
]);

const files = await generateApiTypes({ loadConfig, openRuntime, closeRuntime, buildServer, ensureTenant, ensureAdminTenant });
mkdirSync(join(root, GENERATED_DIR), { recursive: true });
for (const { file, contents } of files) {
  writeFileSync(join(root, GENERATED_DIR, file), contents);
  console.log(`wrote ${GENERATED_DIR}/${file} (${contents.length} bytes)`);
}
console.log(`${API_DOCUMENTS.length} document(s)`);
