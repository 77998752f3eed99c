/**
 * Carries "this cached thing changed" messages between instances. The database bus
 * (database-invalidation-bus.ts) always runs; with REDIS_URL set, every instance also subscribes to
 * one Redis channel, so a change written by any of them (a revoked key, a deleted grant) is dropped
 * from every cache at once rather than at the next poll.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export interface Invalidation {
  tenantId: string;
  /** What changed: 'tenant', 'client', 'resource-server', 'client-grant', 'signing-keys', ... */
  kind: string;
  /** The cache key within the kind; absent means every entry of that kind for the tenant. */
  key?: string;
}

export type InvalidationHandler = (message: Invalidation) => void;

export interface InvalidationBus {
  publish(message: Invalidation): Promise<void>;
  subscribe(handler: InvalidationHandler): void;
  /** Called when messages may have been missed (lost connection): caches must drop everything. */
  onReset(handler: () => void): void;
  close(): Promise<void>;
}

const CHANNEL = 'tessera:invalidate';

export class RedisInvalidationBus implements InvalidationBus {
  private readonly handlers: InvalidationHandler[] = [];
  private readonly resetHandlers: Array<() => void> = [];
  private readonly origin = randomUUID();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async connect(url: string, onError: (error: unknown) => void): Promise<RedisInvalidationBus> {
    const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    const subscriber = new Redis(url, { lazyConnect: true });
    await publisher.connect();
    await subscriber.connect();
    const bus = new RedisInvalidationBus(publisher, subscriber, onError);
    // ioredis reconnects by itself; errors meanwhile are reported, not thrown.
    publisher.on('error', onError);
    subscriber.on('error', onError);
    await subscriber.subscribe(CHANNEL);
    subscriber.on('message', (_channel: string, text: string) => bus.receive(text));
    // After a reconnect we cannot know what we missed, so every cache starts over.
    subscriber.on('ready', () => bus.resetHandlers.forEach((h) => h()));
    return bus;
  }

  async publish(message: Invalidation): Promise<void> {
    // Apply locally first so the writing instance never serves its own stale entry.
    for (const handler of this.handlers) handler(message);
    // Like the database bus, never fail a committed change; the database feed still carries it.
    await this.publisher.publish(CHANNEL, JSON.stringify({ ...message, origin: this.origin })).catch((error: unknown) => this.onError(error));
  }

  subscribe(handler: InvalidationHandler): void {
    this.handlers.push(handler);
  }

  onReset(handler: () => void): void {
    this.resetHandlers.push(handler);
  }

  private receive(text: string): void {
    let message: Invalidation & { origin?: string };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.origin === this.origin || typeof message.tenantId !== 'string' || typeof message.kind !== 'string') return;
    const { origin: _origin, ...invalidation } = message;
    for (const handler of this.handlers) handler(invalidation);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
