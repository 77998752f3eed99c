/**
 * Runs with every test file (a setup file in vitest.config.ts): at the file's end, after the file's own
 * afterAll hooks (vitest runs after-hooks in reverse order of registration, and a setup file's come
 * first), any server process the file started and did not stop — a failed beforeAll, an assertion
 * before the stop — is killed. A worker runs file after file, so its exit comes too late for that.
 */
import { afterAll } from 'vitest';
import { killLeftoverServers } from './server.js';

afterAll(() => killLeftoverServers());
