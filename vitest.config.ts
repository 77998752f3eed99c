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
 * Every tier but the browser one shares one module graph per worker (`isolate: false`): each file
 * builds its own app, clock and database or starts its own server processes, and re-importing the
 * test support and the server's modules for each of ~140 files was most of the suite's "collect"
 * time (the integration files on SQLite: collect 12 s instead of about 100 s). The files that drive
 * the dashboard in Chromium keep a fresh process per file.
 */
const ISOLATED_TIERS = ['test/browser/**'];

function projectsOf(database: string) {
  const include = [...PROJECTS[database as keyof typeof PROJECTS]];
  const env = { TEST_DATABASE: database };
  const projects = [{ extends: true, test: { name: database, include, exclude: ISOLATED_TIERS, env, isolate: false } }];
  // PostgreSQL runs no browser file (suite-plan.ts).
  if (database === 'sqlite') projects.push({ extends: true, test: { name: `${database}/browser`, include: ISOLATED_TIERS, exclude: [], env, isolate: true } });
  return projects;
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
