/**
 * A background job run every `intervalMs` with ±50% jitter, so instances started together do not
 * run in step (the sweeper, the statistics aggregator). The timer does not keep the process alive;
 * a run's failure goes to `onError` and the next run is still scheduled; `stop` waits for a run in
 * progress, which may read `stopped()` to finish early.
 */
export interface PeriodicJob {
  stop(): Promise<void>;
}

export function startPeriodicJob(run: (stopped: () => boolean) => Promise<unknown>, onError: (error: unknown) => void, intervalMs: number): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(tick, intervalMs * (0.5 + Math.random()));
    timer.unref();
  };
  const tick = () => {
    running = run(() => stopped)
      .then(() => undefined, onError)
      .finally(schedule);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
