/**
 * Invalidation through the database itself: every publish appends a row, and every instance polls
 * for rows it has not seen. It needs no extra service, so separate processes on one database — a
 * second server, or a `tessera` CLI command run beside a server — never serve stale caches for
 * longer than one poll interval. Redis, when configured, adds instant delivery on top.
 */
import { randomUUID } from 'node:crypto';
import type { CacheInvalidationsRepository } from '../repositories/cache-invalidations.js';
import type { Invalidation, InvalidationBus, InvalidationHandler } from './invalidation-bus.js';

const RETENTION_MS = 60 * 60_000;
const BATCH = 1000;

export class DatabaseInvalidationBus implements InvalidationBus {
  private readonly handlers: InvalidationHandler[] = [];
  private readonly resetHandlers: Array<() => void> = [];
  private readonly origin = randomUUID();
  private lastSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private lastPrune = 0;

  private constructor(
    private readonly feed: CacheInvalidationsRepository,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async start(feed: CacheInvalidationsRepository, options: { pollMs: number; onError: (error: unknown) => void }): Promise<DatabaseInvalidationBus> {
    const bus = new DatabaseInvalidationBus(feed, options.onError);
    bus.lastSeq = await feed.latestSeq();
    bus.timer = setInterval(() => void bus.poll(), options.pollMs);
    bus.timer.unref();
    return bus;
  }

  /**
   * Never throws: the change it announces is already committed, so failing the request would lie.
   * Other processes then keep their copy until the cache TTL; the error is reported.
   */
  async publish(message: Invalidation): Promise<void> {
    for (const handler of this.handlers) handler(message);
    try {
      await this.feed.append({ ...message, origin: this.origin }, new Date().toISOString());
    } catch (error) {
      this.onError(error);
    }
  }

  subscribe(handler: InvalidationHandler): void {
    this.handlers.push(handler);
  }

  onReset(handler: () => void): void {
    this.resetHandlers.push(handler);
  }

  /** Applies rows written by other processes since the last poll; one poll at a time. */
  poll(): Promise<void> {
    this.polling = this.polling.then(async () => {
      try {
        const rows = await this.feed.after(this.lastSeq, BATCH);
        if (rows.length === BATCH) {
          // Too far behind to apply one by one: start over with empty caches.
          this.lastSeq = await this.feed.latestSeq();
          this.resetHandlers.forEach((h) => h());
        } else {
          for (const row of rows) {
            this.lastSeq = row.seq;
            if (row.origin === this.origin) continue;
            const message: Invalidation = row.key === null ? { tenantId: row.tenantId, kind: row.kind } : { tenantId: row.tenantId, kind: row.kind, key: row.key };
            for (const handler of this.handlers) handler(message);
          }
        }
        await this.pruneOccasionally();
      } catch (error) {
        this.onError(error);
      }
    });
    return this.polling;
  }

  private async pruneOccasionally(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    await this.feed.deleteOlderThan(new Date(now - RETENTION_MS).toISOString());
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.polling;
  }
}

/** Publishes to every bus and listens to all of them; a message seen twice just drops a cache entry twice. */
export class CompositeInvalidationBus implements InvalidationBus {
  constructor(private readonly buses: InvalidationBus[]) {}

  async publish(message: Invalidation): Promise<void> {
    // Each bus also applies the message locally, so local caches drop the entry once per bus: harmless.
    await Promise.all(this.buses.map((bus) => bus.publish(message)));
  }

  subscribe(handler: InvalidationHandler): void {
    for (const bus of this.buses) bus.subscribe(handler);
  }

  onReset(handler: () => void): void {
    for (const bus of this.buses) bus.onReset(handler);
  }

  async close(): Promise<void> {
    await Promise.all(this.buses.map((bus) => bus.close()));
  }
}
