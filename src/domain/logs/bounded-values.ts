/**
 * Log events carry attacker-supplied values (a username typed at login, a client name, a user
 * agent...). Every string is cut to MAX_LOG_STRING characters and nested details are bounded in
 * depth and breadth before an event is even queued, so a 1 MB value costs neither memory nor a
 * 1 MB row in the logs table.
 */
export const MAX_LOG_STRING = 1024;
/**
 * A token's granted `scope` is written by the server, not the client, and the whole Management API
 * is about 5 KB of scopes; it gets more room (a requested scope is still bounded by it).
 */
const MAX_SCOPE_STRING = 16 * 1024;
const MAX_DEPTH = 6;
const MAX_ENTRIES = 100;
const CUT = '…[truncated]';

export function boundedString(value: string, max = MAX_LOG_STRING): string {
  return value.length <= max ? value : value.slice(0, max) + CUT;
}

/** A log event's fields bounded: `scope` up to MAX_SCOPE_STRING, everything else by boundedValue. */
export function boundedEvent<T extends object>(event: T): T {
  const out = boundedValue(event) as Record<string, unknown>;
  const scope = (event as Record<string, unknown>).scope;
  if (typeof scope === 'string') out.scope = boundedString(scope, MAX_SCOPE_STRING);
  return out as T;
}

/** A copy of `value` with strings cut, arrays and objects limited to MAX_ENTRIES entries, depth to MAX_DEPTH. */
export function boundedValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return boundedString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return CUT;
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ENTRIES).map((item) => boundedValue(item, depth + 1));
    return value.length > MAX_ENTRIES ? [...items, CUT] : items;
  }
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const [key, entry] of Object.entries(value)) {
    if (count++ >= MAX_ENTRIES) {
      out[CUT] = true;
      break;
    }
    out[boundedString(key)] = boundedValue(entry, depth + 1);
  }
  return out;
}
