/**
 * An invalidation bus for tests of caching services: delivers each message to every subscriber (as
 * the database feed and Redis do) and records it, with whether a transaction was still open when
 * it was published (the test's storage wrapper counts `openTransactions`). A message published
 * inside a transaction could be acted on by another instance before the commit.
 */
import { expect } from 'vitest';
import type { Invalidation, InvalidationBus } from '../../src/storage/cache/invalidation-bus.js';

export interface Published {
  message: Invalidation;
  inTransaction: boolean;
}

export class RecordingBus implements InvalidationBus {
  published: Published[] = [];
  openTransactions = 0;
  private readonly handlers: Array<(message: Invalidation) => void> = [];

  async publish(message: Invalidation): Promise<void> {
    this.published.push({ message, inTransaction: this.openTransactions > 0 });
    for (const handler of this.handlers) handler(message);
  }
  subscribe(handler: (message: Invalidation) => void): void {
    this.handlers.push(handler);
  }
  onReset(): void {}
  async close(): Promise<void> {}

  /** The messages published since the last call, all of them after their transaction. */
  take(): Invalidation[] {
    const taken = this.published;
    this.published = [];
    expect(taken.filter((p) => p.inTransaction)).toEqual([]);
    return taken.map((p) => p.message);
  }
}
