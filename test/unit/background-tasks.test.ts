/** Background tasks: started at once, failures reported (never thrown), awaited by idle() with an optional bound. */
import { describe, expect, it } from 'vitest';
import { BackgroundTasks } from '../../src/domain/background-tasks.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('background tasks', () => {
  it('start synchronously and are awaited by idle(), including tasks they start', async () => {
    const tasks = new BackgroundTasks((error) => {
      throw error;
    });
    const order: string[] = [];
    const gate = deferred();
    tasks.run(async () => {
      order.push('first started');
      await gate.promise;
      tasks.run(async () => {
        order.push('second ran');
      });
    });
    expect(order).toEqual(['first started']);
    const idle = tasks.idle();
    gate.resolve();
    expect(await idle).toBe(0);
    expect(order).toEqual(['first started', 'second ran']);
  });

  it('report a failure to the caller\'s handler when given, else to the default one; a synchronous throw too', async () => {
    const reported: string[] = [];
    const tasks = new BackgroundTasks((error) => reported.push(`default: ${(error as Error).message}`));
    tasks.run(async () => {
      throw new Error('smtp down');
    });
    tasks.run(
      async () => {
        throw new Error('no such user');
      },
      (error) => reported.push(`caller: ${(error as Error).message}`),
    );
    tasks.run(() => {
      throw new Error('thrown before any await');
    });
    await tasks.idle();
    expect(reported.sort()).toEqual(['caller: no such user', 'default: smtp down', 'default: thrown before any await']);
  });

  it('idle(timeout) gives up after the bound and says how many are still running', async () => {
    const tasks = new BackgroundTasks(() => {});
    const never = deferred();
    tasks.run(() => never.promise);
    expect(await tasks.idle(20)).toBe(1);
    never.resolve();
    expect(await tasks.idle(1_000)).toBe(0);
  });
});
