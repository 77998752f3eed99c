/**
 * Tenant log events (Auth0 types: `seacft`, `feacft`, `sapi`, ...). Events are queued and written
 * in batches off the request path: a token request should not wait for a log insert, and one
 * multi-row insert is far cheaper than many single ones. Auth0's logs are eventually consistent too.
 */
import type { Storage } from '../../storage/storage.js';
import type { LogRecord } from '../../storage/repositories/logs.js';
import { newLogId } from '../ids.js';
import { boundedEvent } from './bounded-values.js';
import { systemClock, type Clock } from '../clock.js';
import { auditedEvent, type Audit, type AuditedEvent, type AuditOrigin } from '../../http/audit.js';

/** One event as recorded: what an auditor made of an event's fields and its origin. */
export type LogEventInput = AuditedEvent;

const FLUSH_INTERVAL_MS = 200;
const MAX_BATCH = 500;
/**
 * Events recorded and not yet written (queued, or in a batch waiting for the database), at most.
 * A database slower than the request rate would otherwise grow the queue without limit, in the
 * process that serves the requests. ~20,000 events are a few seconds of a busy tenant's traffic and
 * ~10–20 MB. Past it new events are dropped and counted, and the count is reported as a background
 * error (the server's log) when the next batch is written: never lost silently. Events still queued
 * when the process is killed (at most FLUSH_INTERVAL_MS or MAX_BATCH of them) are lost; a normal
 * shutdown flushes them (cli/runtime.ts).
 */
export const MAX_PENDING_EVENTS = 20_000;

interface QueuedEvent {
  tenantId: string;
  at: number;
  event: LogEventInput;
}

export class LogService {
  private queue: QueuedEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Recorded and not yet written: the queue plus the batches waiting their turn. */
  private pending = 0;
  private dropped = 0;

  constructor(
    private readonly storage: Storage,
    private readonly onError: (error: unknown) => void,
    /** Dates the events: the services' clock, so a test's TestClock moves log dates too. */
    private readonly clock: Clock = systemClock,
    private readonly maxPending = MAX_PENDING_EVENTS,
  ) {}

  /**
   * An `Audit` that records events from `origin` (tenant, IP, user agent, client, user), each
   * event's own fields overriding those defaults. The origin is copied now: an auditor may be
   * called after the reply (a background email), when the request's socket may be gone.
   */
  auditor(origin: AuditOrigin): Audit {
    const from: AuditOrigin = { ...origin };
    return (type, fields) => this.record(from.tenantId, auditedEvent(from, type, fields));
  }

  /**
   * Only remembers the event: ids, dates and the stored document are built when the batch is
   * written. The one choke point for every log event: its values are bounded here (bounded-values.ts).
   */
  record(tenantId: string, event: LogEventInput): void {
    if (this.pending >= this.maxPending) {
      this.dropped++;
      return;
    }
    this.pending++;
    this.queue.push({ tenantId, at: this.clock.now(), event: boundedEvent(event) });
    if (this.queue.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes everything queued so far; resolves when it is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length > 0) {
        try {
          await this.storage.repos.logs.insertMany(batch.map(toLogRecord));
        } catch (error) {
          this.onError(error);
        } finally {
          this.pending -= batch.length;
        }
      }
      if (this.dropped > 0) {
        const count = this.dropped;
        this.dropped = 0;
        this.onError(new Error(`${count} log event(s) dropped: more than ${this.maxPending} were waiting to be written (the database is not keeping up)`));
      }
    });
    return this.flushing;
  }
}

function toLogRecord({ tenantId, at, event }: QueuedEvent): LogRecord {
  const date = new Date(at).toISOString();
  const logId = newLogId(at);
  const document: Record<string, unknown> = { date, type: event.type, log_id: logId };
  if (event.description !== undefined) document.description = event.description;
  if (event.clientId !== undefined) document.client_id = event.clientId;
  if (event.clientName !== undefined) document.client_name = event.clientName;
  if (event.userId !== undefined) document.user_id = event.userId;
  if (event.userName !== undefined) document.user_name = event.userName;
  if (event.ip !== undefined) document.ip = event.ip;
  if (event.userAgent !== undefined) document.user_agent = event.userAgent;
  if (event.audience !== undefined) document.audience = event.audience;
  if (event.scope !== undefined) document.scope = event.scope;
  if (event.details !== undefined) document.details = event.details;
  return {
    tenantId,
    logId,
    date,
    type: event.type,
    clientId: event.clientId ?? null,
    clientName: event.clientName ?? null,
    userId: event.userId ?? null,
    userName: event.userName ?? null,
    ip: event.ip ?? null,
    userAgent: event.userAgent ?? null,
    description: event.description ?? null,
    document,
  };
}
