/**
 * Dates as the tables show them. Pure (the locale and time zone are parameters, defaulting to the
 * browser's): unit-tested in test/unit/dashboard-members.test.ts.
 */
export function formatDateTime(iso: string | null | undefined, options: { locale?: string; timeZone?: string } = {}): string {
  if (!iso) return 'Never';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'Unknown';
  return new Intl.DateTimeFormat(options.locale, { dateStyle: 'medium', timeStyle: 'short', ...(options.timeZone ? { timeZone: options.timeZone } : {}) }).format(date);
}
