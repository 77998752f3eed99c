/**
 * Attack protection allowlists: IPv4 and IPv6 addresses and CIDR ranges (Auth0 accepts the
 * formats `ipv4`, `cidr`, `ipv6` and `ipv6_cidr`). Matching uses node:net's BlockList, which
 * compares addresses numerically, so `10.0.0.1` is inside `10.0.0.0/8` however either is written.
 */
import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';

interface ParsedEntry {
  family: Family;
  address: string;
  /** Absent for a single address. */
  prefix?: number;
}

/** Parses `1.2.3.4`, `1.2.3.0/24`, `2001:db8::1` or `2001:db8::/32`; undefined when it is none of these. */
export function parseAllowlistEntry(entry: string): ParsedEntry | undefined {
  // A zone index (`fe80::1%eth0`) names a link of one machine, never a client's address.
  if (entry.trim() !== entry || entry === '' || entry.includes('%')) return undefined;
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return undefined;
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  if (slash === -1) return { family, address };
  const prefixText = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  return { family, address, prefix };
}

/** The first entry that is not an address or CIDR range, with its index; undefined when all are valid. */
export function invalidAllowlistEntry(entries: readonly string[]): { index: number; entry: string } | undefined {
  const index = entries.findIndex((entry) => parseAllowlistEntry(entry) === undefined);
  return index === -1 ? undefined : { index, entry: entries[index]! };
}

/**
 * One spelling per address, because counters and buckets are keyed by it: IPv4 written as IPv6
 * (`::ffff:10.0.0.1`, what a dual-stack socket reports) is the IPv4 address, and IPv6 is lower
 * case with zeros compressed (`2001:DB8:0::1` is `2001:db8::1`), so an administrator may type an
 * address either way.
 */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6 || ip.includes('%')) return ip;
  // The WHATWG URL parser serialises IPv6 hosts canonically (RFC 5952).
  const canonical = new URL(`http://[${ip}]`).hostname.slice(1, -1);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!hexMapped) return canonical;
  const [high, low] = [parseInt(hexMapped[1]!, 16), parseInt(hexMapped[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export class IpAllowlist {
  private readonly list = new BlockList();
  readonly empty: boolean;

  /** Entries are expected valid (checked when the settings were saved); any that is not is ignored. */
  constructor(entries: readonly string[]) {
    let added = 0;
    for (const entry of entries) {
      const parsed = parseAllowlistEntry(entry);
      if (!parsed) continue;
      if (parsed.prefix === undefined) this.list.addAddress(parsed.address, parsed.family);
      else this.list.addSubnet(parsed.address, parsed.prefix, parsed.family);
      added++;
    }
    this.empty = added === 0;
  }

  contains(ip: string): boolean {
    if (this.empty) return false;
    const address = normalizeIp(ip);
    const version = isIP(address);
    if (version === 0) return false;
    return this.list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }
}
