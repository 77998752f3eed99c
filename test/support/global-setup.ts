/**
 * Runs once per vitest run, in the main process, before the test processes start: makes the
 * directory where TLS tests share their dev certificates (tls.ts), and removes it at the end.
 * Test processes inherit the environment variable naming it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CERT_CACHE_VARIABLE = 'TESSERA_TEST_CERT_CACHE';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-certs-'));
  process.env[CERT_CACHE_VARIABLE] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
