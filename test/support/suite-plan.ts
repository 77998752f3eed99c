/**
 * Which test files run on which database, and in which order they start. One module for the vitest
 * config (its two projects) and for nothing else, so the rule lives in one place.
 *
 * Every file runs on the embedded SQLite database. PostgreSQL runs only the files whose outcome can
 * depend on the database: the server tiers (test/integration, test/in-process) but the files marked
 * storage-neutral (STORAGE_NEUTRAL_MARKER), and the unit files that open one themselves (they import
 * test/support/database.ts). The other unit files are pure
 * functions of their inputs: running them twice only costs time. Files driven through Chromium
 * (test/browser, and the integration files that launch it for an SDK's or a page's flow) also run
 * once: what they add is the browser's side, and the storage under them is what every other server
 * test runs on both databases — while Chromium is most of the suite's CPU time on a two-core machine.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** The databases to run on: TEST_DATABASES=sqlite skips PostgreSQL (default "sqlite,postgres"). */
export function testDatabases(): string[] {
  return (process.env.TEST_DATABASES ?? 'sqlite,postgres').split(',').map((d) => d.trim()).filter(Boolean);
}

const testFiles = (dir: string) => readdirSync(join(ROOT, dir)).filter((name) => name.endsWith('.test.ts')).map((name) => join(dir, name));
const contains = (file: string, text: string) => readFileSync(join(ROOT, file), 'utf8').includes(text);

/**
 * A server-tier file whose outcome cannot depend on the database says so in its header comment with
 * this marker and its reason (a document's shape, an SDK's wire format, a bound checked before any
 * lookup): PostgreSQL is then not asked to repeat it. Storage, caching, sessions, logs, search and
 * multi-instance files never carry it.
 */
export const STORAGE_NEUTRAL_MARKER = '@storage-neutral';

/** The files the PostgreSQL project runs (paths relative to the repository). */
export function databaseDependentFiles(): string[] {
  const serverTier = (dir: string) => testFiles(dir).filter((file) => !contains(file, 'launchBrowser(') && !contains(file, STORAGE_NEUTRAL_MARKER));
  return [...serverTier('test/integration'), ...serverTier('test/in-process'), ...testFiles('test/unit').filter((file) => contains(file, 'support/database.js'))];
}

/**
 * The order files start in, longest first, so that neither worker idles at the end while the other
 * finishes a long file (vitest orders by the durations of an earlier run, which a clean CI clone
 * lacks, and otherwise by file size): the files that drive Chromium and the Deploy CLI file (its
 * first import compiles the CLI's own JSON schema), then the other integration files, then the rest,
 * each group by size.
 */
export function startWeight(file: string): number {
  const relative = file.startsWith(ROOT) ? file.slice(ROOT.length + 1) : file;
  const size = statSync(file).size;
  const slowest = relative.startsWith('test/browser/') || relative.endsWith('deploy-cli.test.ts') || (relative.startsWith('test/integration/') && contains(relative, 'launchBrowser('));
  if (slowest) return 2e9 + size;
  if (relative.startsWith('test/integration/')) return 1e9 + size;
  return size;
}
