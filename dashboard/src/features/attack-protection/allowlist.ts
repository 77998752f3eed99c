/**
 * Attack protection allowlists as text: one IP address or CIDR range a line (commas also
 * separate), and the Management API's refusal of an entry shown at the field. Whether an entry is
 * an address is the API's decision (domain/attack-protection/ip-allowlist.ts): the form only
 * keeps to its bounds, so the two can never disagree. No DOM: unit-tested in
 * test/unit/dashboard-security.test.ts.
 */
import { ApiRequestError } from '../../api/errors.js';

/** The Management API's bounds (src/management-api/attack-protection.ts). */
export const ALLOWLIST_LIMITS = { entries: 100, entryLength: 64 } as const;

export function parseAllowlist(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

export function formatAllowlist(entries: readonly string[]): string {
  return entries.join('\n');
}

/** What is wrong with the list before sending it, or undefined. */
export function allowlistBoundsProblem(entries: readonly string[]): string | undefined {
  if (entries.length > ALLOWLIST_LIMITS.entries) return `At most ${ALLOWLIST_LIMITS.entries} entries.`;
  const long = entries.findIndex((entry) => entry.length > ALLOWLIST_LIMITS.entryLength);
  if (long !== -1) return `Line ${long + 1}: at most ${ALLOWLIST_LIMITS.entryLength} characters.`;
  return undefined;
}

/**
 * The API's message when it refused the allowlist (`'allowlist[2]' ("x") is not an IPv4/IPv6
 * address or CIDR range`, or a schema error on `allowlist.2`), with the line it points at; else
 * undefined, and the error belongs to the form as a whole.
 */
export function allowlistFieldError(error: unknown): string | undefined {
  if (!(error instanceof ApiRequestError) || error.status !== 400) return undefined;
  const message = error.message;
  if (!/allowlist/.test(message)) return undefined;
  const index = /allowlist(?:\[(\d+)\]|\.(\d+))/.exec(message);
  const line = index ? Number(index[1] ?? index[2]) + 1 : undefined;
  return line ? `Line ${line}: ${message}` : message;
}
