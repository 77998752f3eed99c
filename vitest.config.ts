import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { databaseDependentFiles, startWeight, testDatabases } from './test/support/suite-plan.js';

/** Starts the longest files first (suite-plan.ts); both databases' files share the two workers. */
class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => startWeight(b.moduleId) - startWeight(a.moduleId));
  }
}

const PROJECTS = {
  sqlite: ['test/**/*.test.ts'],
  postgres: databaseDependentFiles(),
} as const;

/**
 * One worker process runs file after file (`isolate: false`, at the root: the pool's own setting,
 * which per-project values do not change; with it left at its default every file got a fresh
 * process whatever the project said). Each file still builds its own app, clock and database or
 * starts its own server processes, and the files driving Chromium share one browser per worker
 * (test/support/browser.ts) with a fresh context each. What a file would otherwise pay again is the
 * worker's start and the import of the test support and the server's modules (the unit files on a
 * loaded machine: 120 s -> 63 s). Module-level state in test/support/ must therefore be per file
 * (started in `beforeAll`, stopped in `afterAll`) or meant to outlive it (the browser).
 * vitest runs one project's files at a time when workers are shared, so each database is one project.
 */
function projectOf(database: string) {
  return { extends: true, test: { name: database, include: [...PROJECTS[database as keyof typeof PROJECTS]], env: { TEST_DATABASE: database } } };
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll gives up after 1 s by default, too short for a browser page on a loaded two-core
    // machine (a browser test's poll ran out that way). 10 s still fails a hang quickly, and a poll
    // that passes returns as soon as it does. (Playwright's own waits default to 30 s.)
    expect: { poll: { timeout: 10_000 } },
    // Each integration file starts its own server processes; two workers match the 2-core machines.
    // With shared workers vitest runs the projects one after the other (SQLite first: it has the
    // longest files), each longest file first, so only each project's last short files leave a core idle.
    pool: 'forks',
    isolate: false,
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    setupFiles: ['test/support/localhost-dns.ts', 'test/support/file-end.ts'],
    // One dev CA and certificate per tenant list for the whole run, shared by the TLS test files (tls.ts).
    globalSetup: ['test/support/global-setup.ts'],
    sequence: { sequencer: LongestFirstSequencer },
    // `npx vitest run <file>` runs the file on the databases of TEST_DATABASES (TEST_DATABASE, singular,
    // picks one: the way to run one file on one database).
    projects: testDatabases()
      .filter((database) => !process.env.TEST_DATABASE || process.env.TEST_DATABASE === database)
      .map(projectOf),
  },
});
