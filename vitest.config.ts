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
 * The tiers that run in the test process itself (unit, in-process) share one module graph per
 * worker (`isolate: false`): every file builds its own app, clock and database, and re-importing
 * the whole server for each of ~80 files was about two thirds of their time. The tiers that start
 * servers and browsers keep a fresh process per file.
 */
const SHARED_PROCESS_TIERS = ['test/unit/**', 'test/in-process/**'];

function projectsOf(database: string) {
  const include = [...PROJECTS[database as keyof typeof PROJECTS]];
  const env = { TEST_DATABASE: database };
  return [
    { extends: true, test: { name: database, include, exclude: SHARED_PROCESS_TIERS, env } },
    { extends: true, test: { name: `${database}/shared`, include, exclude: ['test/integration/**', 'test/browser/**'], env, isolate: false } },
  ];
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each integration file starts its own server processes; two workers match the 2-core machines,
    // shared by both databases' projects (one run, so neither database's tail leaves a core idle).
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    setupFiles: ['test/support/localhost-dns.ts'],
    // One dev CA and certificate per tenant list for the whole run, shared by the TLS test files (tls.ts).
    globalSetup: ['test/support/global-setup.ts'],
    sequence: { sequencer: LongestFirstSequencer },
    // `npx vitest run <file>` runs the file on the databases of TEST_DATABASES (TEST_DATABASE, singular,
    // picks one: the way to run one file on one database).
    projects: testDatabases()
      .filter((database) => !process.env.TEST_DATABASE || process.env.TEST_DATABASE === database)
      .flatMap(projectsOf),
  },
});
