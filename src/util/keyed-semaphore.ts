/**
 * At most `concurrency` tasks at once per key, and at most `maxQueued` more waiting; beyond that a
 * task is refused at once (`QueueFullError`) rather than queued without bound. Used to keep one
 * tenant's password hashing from taking every thread of libuv's pool from the others.
 */
export class QueueFullError extends Error {}

interface Lane {
  running: number;
  waiting: Array<() => void>;
}

export class KeyedSemaphore {
  readonly #lanes = new Map<string, Lane>();

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let lane = this.#lanes.get(key);
    if (!lane) this.#lanes.set(key, (lane = { running: 0, waiting: [] }));
    if (lane.running >= this.concurrency) {
      if (lane.waiting.length >= this.maxQueued) throw new QueueFullError(`more than ${this.maxQueued} tasks waiting for ${key}`);
      // The slot is handed over by the finishing task (running stays counted), so no newcomer can jump the queue.
      await new Promise<void>((resolve) => lane!.waiting.push(resolve));
    } else {
      lane.running++;
    }
    try {
      return await task();
    } finally {
      const next = lane.waiting.shift();
      if (next) next();
      else if (--lane.running === 0) this.#lanes.delete(key);
    }
  }

  /** Tasks running or waiting for `key` (for tests). */
  load(key: string): { running: number; waiting: number } {
    const lane = this.#lanes.get(key);
    return { running: lane?.running ?? 0, waiting: lane?.waiting.length ?? 0 };
  }
}
