/**
 * Work a request starts and does not wait for (an email, an occasional prune): it must not delay the
 * reply, and its failure must not reach the requester. Every such task goes through `run`, so there
 * is one place that reports failures and knows what is still running:
 * - shutdown lets running tasks finish (within a bound) before storage closes, instead of cutting an
 *   email off mid-send (cli/runtime.ts `closeRuntime`);
 * - the in-process tests await `idle()` instead of polling for an email or a log event.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly onError: (error: unknown) => void) {}

  /**
   * Starts `work` now (synchronously, as a direct call would) without waiting for it. A failure goes
   * to `onError` when given (the caller's own reporting, e.g. its request logger), else to the
   * services' background error reporter.
   */
  run(work: () => Promise<unknown>, onError: (error: unknown) => void = this.onError): void {
    let started: Promise<unknown>;
    try {
      started = work();
    } catch (error) {
      started = Promise.reject(error);
    }
    const task = started.then(
      () => undefined,
      (error: unknown) => onError(error),
    );
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  /**
   * Resolves once no task is running, including tasks started while it waits; after `timeoutMs`
   * (if given) it resolves anyway and says how many were still running.
   */
  async idle(timeoutMs?: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = timeoutMs === undefined ? undefined : new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      while (this.running.size > 0) {
        const settled = Promise.allSettled([...this.running]);
        if ((await (timedOut ? Promise.race([settled, timedOut]) : settled)) === 'timeout') return this.running.size;
      }
      return 0;
    } finally {
      clearTimeout(timer);
    }
  }
}
