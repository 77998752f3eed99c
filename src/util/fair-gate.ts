/**
 * A per-key gate in front of one global gate, for work that runs on a shared, small pool (bcrypt on
 * libuv's thread pool). A task first takes one of its key's `perKey` slots (at most `maxQueuedPerKey`
 * more wait, beyond that `QueueFullError`), and keeps it while it waits, first in first out, for one
 * of the `total` global slots. So each key has at most `perKey` tasks in the global queue or running,
 * and a quiet key's task waits behind at most `perKey` tasks of each busy key, however many they
 * submit; `total` below the pool's size leaves threads for everything else (files, DNS, crypto).
 */
import { KeyedSemaphore } from './keyed-semaphore.js';

const GLOBAL = 'global';

export class FairGate {
  readonly #perKey: KeyedSemaphore;
  readonly #global: KeyedSemaphore;

  constructor(perKey: number, maxQueuedPerKey: number, total: number) {
    this.#perKey = new KeyedSemaphore(perKey, maxQueuedPerKey);
    // Unbounded here, yet bounded in practice: the per-key gate lets at most `perKey` tasks per key in.
    this.#global = new KeyedSemaphore(total, Number.POSITIVE_INFINITY);
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#perKey.run(key, () => this.#global.run(GLOBAL, task));
  }

  /** Tasks of `key` running or waiting for their key's slot, and all tasks running or waiting for a global one (for tests). */
  load(key: string): { key: { running: number; waiting: number }; global: { running: number; waiting: number } } {
    return { key: this.#perKey.load(key), global: this.#global.load(GLOBAL) };
  }
}
