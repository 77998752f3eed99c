/**
 * Shutdown (cli/runtime.ts closeRuntime, the path `tessera start` takes on SIGTERM) lets background
 * work that is still running, such as an email being sent, finish against open storage before it
 * closes storage (domain/background-tasks.ts).
 */
import { expect, it } from 'vitest';
import { startInProcess } from '../support/in-process.js';

it('lets a running background task finish its storage work before storage closes', async () => {
  const server = await startInProcess();
  const { services } = server;
  let finished = false;
  services.background.run(async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Storage work after the request that started it has long been answered, as an email send does.
    expect(await services.storage.repos.tenants.findByName('dev')).toBeTruthy();
    finished = true;
  });
  await server.close();
  expect(finished).toBe(true);
  expect(server.backgroundErrors).toEqual([]);
});
