/**
 * Runs once per vitest run, in the main process, before the test processes start (test processes
 * inherit the environment variables it sets), and undoes its work at the end:
 * - the directory where TLS tests share their dev certificates (tls.ts);
 * - a migrated SQLite file, which most servers on SQLite start from a copy of (database.ts
 *   `migratedDatabase()`): the migrations run for real here, once, instead of once per server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_TEMPLATE_VARIABLE, createSqliteTemplate } from './database.js';

export const CERT_CACHE_VARIABLE = 'TESSERA_TEST_CERT_CACHE';

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-certs-'));
  process.env[CERT_CACHE_VARIABLE] = dir;
  const template = await createSqliteTemplate();
  process.env[SQLITE_TEMPLATE_VARIABLE] = template.file;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    template.remove();
  };
}
