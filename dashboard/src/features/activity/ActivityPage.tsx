/**
 * `/t/{tenant}/activity` (Auth0's Activity page): the tenant's totals (`GET /api/v2/tessera/stats/totals`)
 * and four daily charts from `GET /api/v2/stats/daily` — active users, retention (active users out of
 * all users, per day; the headline is the mean), signups and failed logins — over the last 7/14/30/60
 * days or a custom range that ends yesterday at the latest (today is never aggregated). "Compare to
 * previous period" draws the period before as a dotted line and shows the change in percent.
 */
import '@mantine/charts/styles.css';
import '@mantine/dates/styles.css';
import { useMemo, useState } from 'react';
import { Alert, Card, Checkbox, Group, Select, SimpleGrid, Stack, Table, Text, Title, VisuallyHidden, useComputedColorScheme } from '@mantine/core';
import { LineChart } from '@mantine/charts';
import { DatePickerInput, type DatesRangeValue } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { call } from '../../api/errors';
import { WithTenantApi, type TenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import {
  PRESET_DAYS,
  alignDays,
  apiDate,
  daysOf,
  formatChange,
  lastSelectableDay,
  mean,
  percentChange,
  presetRange,
  previousPeriod,
  rangeProblem,
  retention,
  sum,
  type DailyStat,
  type Day,
  type DayRange,
} from '../../lib/activity';

export function ActivityPage() {
  const tenant = useParams().tenant ?? '';
  return (
    <WithTenantApi tenant={tenant}>
      {(api) =>
        api.can('read:stats') ? (
          <Activity api={api} />
        ) : (
          <Alert color="gray" title="No access" role="alert">
            Your role in {tenant} does not include the Activity page.
          </Alert>
        )
      }
    </WithTenantApi>
  );
}

type Choice = `${(typeof PRESET_DAYS)[number]}` | 'custom';

const RANGE_OPTIONS = [...PRESET_DAYS.map((days) => ({ value: `${days}`, label: `Last ${days} days` })), { value: 'custom', label: 'Custom range' }];

function dayLabel(day: Day): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** `6 December 2026`: what screen readers (and the browser test) call a day of the picker. */
export function dayAriaLabel(day: string): string {
  return new Date(`${day.slice(0, 10)}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

const CALENDAR_LABELS = {
  previousMonth: 'Previous month',
  nextMonth: 'Next month',
  previousYear: 'Previous year',
  nextYear: 'Next year',
  previousDecade: 'Previous decade',
  nextDecade: 'Next decade',
  monthLevelControl: 'Choose a month',
  yearLevelControl: 'Choose a year',
};

function toDay(value: unknown): Day | undefined {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    // The picker's dates are local calendar days.
    const y = value.getFullYear();
    return `${y}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
  }
  return undefined;
}

function useDaily(api: TenantApi, range: DayRange | undefined) {
  return useQuery({
    queryKey: ['stats-daily', api.tenant, range?.from, range?.to],
    queryFn: () => call(() => api.client.GET('/api/v2/stats/daily', { params: { query: { from: apiDate(range!.from), to: apiDate(range!.to) } } })) as Promise<DailyStat[]>,
    enabled: range !== undefined,
  });
}

function Activity({ api }: { api: TenantApi }) {
  const [now] = useState(() => Date.now());
  const [choice, setChoice] = useState<Choice>('30');
  const [custom, setCustom] = useState<DatesRangeValue<string>>([null, null]);
  const [compare, setCompare] = useState(false);
  const yesterday = lastSelectableDay(now);

  const customRange = useMemo<DayRange | undefined>(() => {
    const from = toDay(custom[0]);
    const to = toDay(custom[1]);
    return from && to ? { from, to } : undefined;
  }, [custom]);
  const problem = choice === 'custom' ? (customRange ? rangeProblem(customRange, now) : 'Choose both a start and an end day.') : undefined;
  const range: DayRange | undefined = choice === 'custom' ? (problem ? undefined : customRange) : presetRange(Number(choice), now);
  const previous = range && compare ? previousPeriod(range) : undefined;

  const totals = useQuery({
    queryKey: ['stats-totals', api.tenant],
    queryFn: () => call(() => api.client.GET('/api/v2/tessera/stats/totals')),
  });
  const current = useDaily(api, range);
  const before = useDaily(api, previous);

  return (
    <Stack gap="lg">
      <Title order={1}>Activity</Title>
      <QueryState query={totals} errorTitle="Could not load the totals">
        {(t) => (
          <SimpleGrid cols={{ base: 2, md: 4 }} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Totals">
            {(
              [
                ['users', 'Users', t.users],
                ['applications', 'Applications', t.applications],
                ['apis', 'APIs', t.apis],
                ['connections', 'Connections', t.connections],
              ] as const
            ).map(([key, label, value]) => (
              <Card withBorder component="li" key={key} data-testid={`total-${key}`}>
                <Text size="sm" c="dimmed">
                  {label}
                </Text>
                <Text fz={28} fw={700}>
                  {value.toLocaleString('en-US')}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryState>

      <Group align="flex-end" gap="md" wrap="wrap">
        <Select
          label="Date range"
          data={RANGE_OPTIONS}
          value={choice}
          onChange={(value) => value && setChoice(value as Choice)}
          allowDeselect={false}
          w={180}
          data-testid="range-select"
        />
        {choice === 'custom' ? (
          <DatePickerInput
            type="range"
            label="From – To"
            placeholder="Pick the first and last day"
            value={custom}
            onChange={setCustom}
            maxDate={yesterday}
            allowSingleDateInRange
            getDayAriaLabel={dayAriaLabel}
            ariaLabels={CALENDAR_LABELS}
            miw={320}
            data-testid="custom-range"
            error={customRange ? problem : undefined}
          />
        ) : null}
        <Checkbox label="Compare to previous period" checked={compare} onChange={(event) => setCompare(event.currentTarget.checked)} mb={8} />
      </Group>
      <Text size="sm" c="dimmed">
        {range ? `${dayLabel(range.from)} – ${dayLabel(range.to)} (UTC). ` : ''}Today cannot be selected: data may take up to 24 hours to display.
      </Text>

      {!range ? (
        <Text c="dimmed" data-testid="range-needed">
          {problem}
        </Text>
      ) : (
        <QueryState query={current} errorTitle="Could not load the daily statistics">
          {(rows) =>
            before.isError ? (
              <Alert color="red" role="alert" title="Could not load the previous period">
                {errorMessage(before.error)}
              </Alert>
            ) : (
              <Charts range={range} rows={rows} previous={previous && before.data ? { range: previous, rows: before.data } : undefined} />
            )
          }
        </QueryState>
      )}
    </Stack>
  );
}

interface Metric {
  key: string;
  title: string;
  description: string;
  value: (row: DailyStat) => number;
  headline: (values: (number | undefined)[]) => number | undefined;
  format: (value: number) => string;
  headlineNote: string;
}

/** Green up, red down; shades with at least 4.5:1 contrast on the card (green 9 of Mantine is 4.4:1 on white). */
const CHANGE_COLORS = {
  light: { up: '#1b6e30', down: 'var(--mantine-color-red-9)' },
  dark: { up: 'var(--mantine-color-green-4)', down: 'var(--mantine-color-red-4)' },
} as const;

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const percent = (value: number) => `${(Math.round(value * 10) / 10).toLocaleString('en-US')}%`;

const METRICS: Metric[] = [
  {
    key: 'active-users',
    title: 'Daily active users',
    description: 'Distinct users with a successful login or token exchange each day.',
    value: (row) => row.active_users ?? 0,
    headline: (values) => mean(values),
    format: integer,
    headlineNote: 'average per day',
  },
  {
    key: 'retention',
    title: 'User retention',
    description: 'Active users out of all users, per day.',
    value: (row) => retention(row),
    headline: (values) => mean(values),
    format: percent,
    headlineNote: 'average of the days',
  },
  {
    key: 'signups',
    title: 'Signups',
    description: 'Successful signups through any connection.',
    value: (row) => row.signups ?? 0,
    headline: (values) => (values.some((v) => v !== undefined) ? sum(values) : undefined),
    format: integer,
    headlineNote: 'in the period',
  },
  {
    key: 'failed-logins',
    title: 'Failed logins',
    description: 'Failed logins (f, fp, fu) each day.',
    value: (row) => row.failed_logins ?? 0,
    headline: (values) => (values.some((v) => v !== undefined) ? sum(values) : undefined),
    format: integer,
    headlineNote: 'in the period',
  },
];

function Charts({ range, rows, previous }: { range: DayRange; rows: DailyStat[]; previous: { range: DayRange; rows: DailyStat[] } | undefined }) {
  // Green up, red down (Auth0's colors), in shades that keep AA contrast on either scheme.
  const dark = useComputedColorScheme('light') === 'dark';
  const days = daysOf(range);
  const aligned = alignDays(range, rows);
  const alignedBefore = previous ? alignDays(previous.range, previous.rows) : undefined;
  const previousDays = previous ? daysOf(previous.range) : undefined;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      {METRICS.map((metric) => {
        const values = aligned.map((row) => (row ? metric.value(row) : undefined));
        const beforeValues = alignedBefore?.map((row) => (row ? metric.value(row) : undefined));
        const headline = metric.headline(values);
        const change = beforeValues ? percentChange(headline, metric.headline(beforeValues)) : undefined;
        const data = days.map((day, i) => ({
          day: dayLabel(day),
          current: values[i] ?? null,
          ...(beforeValues ? { previous: beforeValues[i] ?? null } : {}),
        }));
        return (
          <Card withBorder key={metric.key} data-testid={`chart-${metric.key}`} component="section" aria-labelledby={`title-${metric.key}`}>
            <Stack gap="xs">
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <div>
                  <Title order={2} size="h4" id={`title-${metric.key}`}>
                    {metric.title}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {metric.description}
                  </Text>
                </div>
                <div style={{ textAlign: 'right' }}>
                  <Text fz={24} fw={700} data-testid={`headline-${metric.key}`}>
                    {headline === undefined ? '–' : metric.format(headline)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {metric.headlineNote}
                  </Text>
                  {beforeValues ? (
                    <Text
                      size="sm"
                      fw={600}
                      data-testid={`change-${metric.key}`}
                      data-trend={change === undefined || change === 0 ? 'flat' : change > 0 ? 'up' : 'down'}
                      data-color={change === undefined || change === 0 ? undefined : change > 0 ? 'green' : 'red'}
                      style={{ color: change === undefined || change === 0 ? undefined : CHANGE_COLORS[dark ? 'dark' : 'light'][change > 0 ? 'up' : 'down'] }}
                    >
                      {change === undefined ? 'no earlier data' : `${formatChange(change)} vs previous period`}
                    </Text>
                  ) : null}
                </div>
              </Group>
              <div aria-hidden>
                <LineChart
                  h={200}
                  data={data}
                  dataKey="day"
                  curveType="monotone"
                  withDots={days.length <= 14}
                  connectNulls={false}
                  // The chart is a picture (hidden from assistive technology, out of the tab order); the table below carries its numbers.
                  lineChartProps={{ accessibilityLayer: false, tabIndex: -1 }}
                  valueFormatter={metric.format}
                  yAxisProps={{ allowDecimals: metric.format !== integer, domain: [0, 'auto'] }}
                  withLegend={beforeValues !== undefined}
                  series={[
                    { name: 'current', label: 'This period', color: 'indigo.6' },
                    ...(beforeValues ? [{ name: 'previous', label: 'Previous period', color: 'gray.6', strokeDasharray: '5 5' }] : []),
                  ]}
                />
              </div>
              <VisuallyHidden>
                <Table data-testid={`table-${metric.key}`}>
                  <caption>{metric.title} per day</caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Day</Table.Th>
                      <Table.Th scope="col">Value</Table.Th>
                      {previousDays ? <Table.Th scope="col">Previous period</Table.Th> : null}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {days.map((day, i) => (
                      <Table.Tr key={day} data-day={day}>
                        <Table.Td>{day}</Table.Td>
                        <Table.Td>{values[i] === undefined ? 'no data' : metric.format(values[i]!)}</Table.Td>
                        {previousDays ? <Table.Td>{beforeValues![i] === undefined ? 'no data' : `${previousDays[i]}: ${metric.format(beforeValues![i]!)}`}</Table.Td> : null}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </VisuallyHidden>
            </Stack>
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
