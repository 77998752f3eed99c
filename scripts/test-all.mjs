#!/usr/bin/env node
/**
 * Runs the whole test suite once: every file on the embedded SQLite database and the files that can
 * depend on the database on PostgreSQL too (TEST_POSTGRES_URL, default the machine's
 * 127.0.0.1:5432/test) — two vitest projects, one after the other, each on two worker processes that
 * run file after file, longest first (test/support/suite-plan.ts, vitest.config.ts). Ends with a
 * "Failed:" list and one closing line "N passed, N failed" (test/support/summary-reporter.ts), printed
 * last because CI shows only the tail.
 * TEST_DATABASES=sqlite skips PostgreSQL locally.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'tessera-test-summary-'));
const summaryFile = join(dir, 'summary.txt');
const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=./test/support/summary-reporter.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TESSERA_TEST_SUMMARY: summaryFile },
});
if (existsSync(summaryFile)) process.stdout.write(readFileSync(summaryFile, 'utf8'));
else console.log('\nThe test run ended without a summary (vitest failed before reporting).');
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
