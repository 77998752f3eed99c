import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each integration file starts its own server processes; two workers match the 2-core machines.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    setupFiles: ['test/support/localhost-dns.ts'],
    // One dev CA and certificate per tenant list for the whole run, shared by the TLS test files (tls.ts).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
