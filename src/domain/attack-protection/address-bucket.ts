/**
 * The key an address is counted under, by the Authentication API's rate limits and by attack
 * protection's brute-force counters and suspicious-IP buckets.
 */

const MAX_KEY_PART = 128;

/**
 * The address a request is counted against. IPv4-mapped IPv6 addresses count as the IPv4 address;
 * other IPv6 addresses count by their /64 prefix, the block one subscriber gets, so rotating through
 * addresses in one's own block does not multiply the budget.
 */
export function addressBucket(ip: string): string {
  if (!ip.includes(':')) return ip.slice(0, MAX_KEY_PART);
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice(7);
  return ipv6Prefix64(ip) ?? ip.slice(0, MAX_KEY_PART);
}

function ipv6Prefix64(ip: string): string | undefined {
  const address = (ip.split('%')[0] ?? '').toLowerCase();
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  // A trailing dotted IPv4 part stands for two groups.
  const width = (groups: string[]) => groups.length + (groups.at(-1)?.includes('.') ? 1 : 0);
  const missing = 8 - width(head) - width(tail);
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].slice(0, 4);
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return `${groups.map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
