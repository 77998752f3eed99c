/**
 * The statistics job's scheduling (stats-aggregator.ts `startStatsJob`) on fake timers, and one run's
 * error isolation (`aggregateAll`) over a stub storage: a tenant whose aggregation fails is reported
 * by name and the next tenant is still aggregated.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aggregateAll, startStatsJob, type StatsRunner } from '../../src/domain/stats/stats-aggregator.js';
import type { Storage } from '../../src/storage/storage.js';
import type { DailyStatsRecord } from '../../src/storage/repositories/stats.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('startStatsJob', () => {
  it('runs every interval ±50%, reports failures and keeps running, and stop() waits for the run in progress', async () => {
    vi.useFakeTimers();
    // The jitter pinned: the shortest first delay (half the interval), then the longest ones, so each
    // check below sees exactly the runs it counts whatever the random draw would have been.
    vi.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValue(0.999);
    const errors: unknown[] = [];
    let runs = 0;
    let release: (() => void) | undefined;
    let sawStopped = false;
    const runner: StatsRunner = {
      aggregate: async (_onError, stopped) => {
        runs++;
        if (runs === 1) throw new Error('first run fails');
        if (runs === 3) {
          await new Promise<void>((resolve) => (release = resolve));
          sawStopped = stopped();
        }
        return { tenants: 1, days: 0 };
      },
    };
    const job = startStatsJob(runner, (error) => errors.push(error), 1_000);
    await vi.advanceTimersByTimeAsync(499);
    expect(runs).toBe(0); // never before half the interval
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/first run fails/);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(runs).toBe(3); // now waiting inside the run

    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release!();
    await stopping;
    expect(sawStopped).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(3); // no run after stop
  });
});

describe('aggregateAll', () => {
  it('reports a failing tenant by name and still aggregates the others', async () => {
    const written: DailyStatsRecord[] = [];
    const stats = {
      lastDay: async (tenantId: string) => {
        if (tenantId === 'ten_bad') throw new Error('disk on fire');
        return '2031-03-01';
      },
      firstLogDate: async () => '2031-03-01T00:00:00.000Z',
      countLogTypes: async () => [{ type: 's', count: 3, first: '2031-03-02T01:00:00.000Z' }],
      countDistinctUsers: async () => 2,
      countUsersCreatedBefore: async () => 7,
      upsertDay: async (record: DailyStatsRecord) => void written.push(record),
      markActive: async () => undefined,
    };
    const repos = { tenants: { listActive: async () => [{ id: 'ten_bad', name: 'bad' }, { id: 'ten_good', name: 'good' }] }, stats };
    const storage = { repos, transaction: async (work: (r: typeof repos) => Promise<unknown>) => work(repos) } as unknown as Storage;
    const errors: unknown[] = [];
    const result = await aggregateAll(storage, { now: () => Date.parse('2031-03-04T00:06:00.000Z') }, (error) => errors.push(error));
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('aggregating the statistics of tenant bad failed');
    expect(((errors[0] as Error).cause as Error).message).toBe('disk on fire');
    expect(result).toEqual({ tenants: 1, days: 2 });
    expect(written.map((record) => [record.tenantId, record.day, record.logins, record.activeUsers, record.usersTotal, record.firstEventAt])).toEqual([
      ['ten_good', '2031-03-02', 3, 2, 7, '2031-03-02T01:00:00.000Z'],
      ['ten_good', '2031-03-03', 3, 2, 7, '2031-03-02T01:00:00.000Z'],
    ]);
  });
});
