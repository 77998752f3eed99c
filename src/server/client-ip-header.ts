/**
 * A custom domain's `custom_client_ip_header` (Auth0: "the HTTP header to fetch the client's IP
 * address"): on requests for that domain, the address logs, rate limits and attack protection count
 * is the header's, as the customer's proxy or CDN in front of the domain sets it. Believed only when
 * the connection comes from a proxy TRUST_PROXY names (or any, with TRUST_PROXY=true, as for
 * X-Forwarded-For): a client reaching the server directly could otherwise write any address there.
 * The Management API refuses the setting when TRUST_PROXY is off (domain/tenants/custom-domains.ts).
 */
import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** Whether a connection's peer address is a trusted proxy. */
export type ProxyTrust = (address: string | undefined) => boolean;

/** `::ffff:192.0.2.1` is the IPv4 address it carries. */
const unmapped = (address: string): string => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/** The TRUST_PROXY setting as a predicate: true, false, or a list of addresses and CIDR ranges (config.ts checked it). */
export function proxyTrust(trustProxy: boolean | string): ProxyTrust {
  if (trustProxy === true) return () => true;
  if (trustProxy === false) return () => false;
  const trusted = new BlockList();
  for (const entry of trustProxy.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0) continue;
    if (prefix === undefined) trusted.addAddress(address, family === 6 ? 'ipv6' : 'ipv4');
    else trusted.addSubnet(address, Number(prefix), family === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    if (!address) return false;
    const peer = unmapped(address);
    const family = isIP(peer);
    return family !== 0 && trusted.check(peer, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The client address `header` names on this request, when it holds one. `x-forwarded-for` is what
 * `request.ip` already reads through TRUST_PROXY (the nearest address no trusted proxy wrote), so it
 * changes nothing; the single-address headers (`cf-connecting-ip`, `true-client-ip`,
 * `x-azure-clientip`) are taken as they are.
 */
export function clientIpFromHeader(request: FastifyRequest, header: string): string | undefined {
  if (header === 'x-forwarded-for') return undefined;
  const raw = request.headers[header];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value && isIP(value) !== 0 ? value : undefined;
}

/** Makes `request.ip` the header's address for the rest of the request (audit, rate limits, attack protection). */
export function applyClientIpHeader(request: FastifyRequest, header: string | undefined, trust: ProxyTrust): void {
  if (!header || !trust(request.socket.remoteAddress)) return;
  const ip = clientIpFromHeader(request, header);
  // `ip` is a getter on Fastify's Request prototype: an own property on this request shadows it.
  if (ip) Object.defineProperty(request, 'ip', { value: ip, configurable: true, enumerable: true });
}
