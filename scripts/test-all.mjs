#!/usr/bin/env node
/**
 * Runs the whole test suite on the embedded SQLite database and again on PostgreSQL
 * (TEST_POSTGRES_URL, default the machine's 127.0.0.1:5432/test), then prints one closing line
 * "N passed, N failed". Set TEST_DATABASES=sqlite to skip PostgreSQL locally.
 *
 * The first database runs every file; a later one runs only the files whose outcome can depend on
 * the database: the server tiers (test/integration, test/in-process) and the unit files that open
 * one themselves (they import test/support/database.ts). The other unit files are pure functions
 * of their inputs: running them twice only costs time. Files driven through Chromium (test/browser,
 * and the integration files that launch it for an SDK's or a page's flow) also run once: what they
 * add is the browser's side, and the storage under them is what every other server test runs on
 * both databases — while Chromium is most of the suite's CPU time on a two-core machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const databases = (process.env.TEST_DATABASES ?? 'sqlite,postgres').split(',').map((d) => d.trim()).filter(Boolean);
const extraArgs = process.argv.slice(2);
const reportDir = mkdtempSync(join(tmpdir(), 'tessera-vitest-'));
let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;
/** "database › file › test: first line of the error", printed again at the very end: CI shows only the tail. */
const failures = [];

/** Integration files that do not drive Chromium: they run on every database. */
const databaseIntegrationFiles = () =>
  readdirSync('test/integration')
    .filter((name) => name.endsWith('.test.ts') && !readFileSync(join('test/integration', name), 'utf8').includes('launchBrowser('))
    .map((name) => join('test/integration', name));

/** Unit files that open a database of their own: they run on every database. */
const databaseUnitFiles = () =>
  readdirSync('test/unit')
    .filter((name) => name.endsWith('.test.ts') && readFileSync(join('test/unit', name), 'utf8').includes('support/database.js'))
    .map((name) => join('test/unit', name));

function firstLine(message) {
  return String(message ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? '';
}

for (const [index, database] of databases.entries()) {
  // Explicit arguments (a file, a filter) are the caller's choice and are passed as given.
  const files = index > 0 && extraArgs.length === 0 ? [...databaseIntegrationFiles(), 'test/in-process', ...databaseUnitFiles()] : [];
  console.log(`\n=== Test suite on ${database}${files.length ? ' (the files that use a database)' : ''} ===\n`);
  const report = join(reportDir, `${database}.json`);
  const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...files, ...extraArgs], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DATABASE: database },
  });
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    passed += summary.numPassedTests;
    failed += summary.numFailedTests;
    skipped += summary.numPendingTests + (summary.numTodoTests ?? 0);
    // A file that fails to load counts no failed test but fails the suite.
    if (summary.numFailedTestSuites > 0 && summary.numFailedTests === 0) failed += summary.numFailedTestSuites;
    for (const file of summary.testResults ?? []) {
      const path = file.name.replace(`${process.cwd()}/`, '');
      const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
      if (failedTests.length === 0 && file.status === 'failed') failures.push(`${database} › ${path}: ${firstLine(file.message)}`);
      for (const test of failedTests) failures.push(`${database} › ${path} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
  } catch {
    failed += 1;
  }
  if (result.status !== 0) exitCode = 1;
}

rmSync(reportDir, { recursive: true, force: true });
if (failures.length > 0) console.log(`\nFailed:\n${failures.map((line) => `- ${line}`).join('\n')}`);
if (passed === 0) exitCode = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(exitCode);
