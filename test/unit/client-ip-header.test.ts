/**
 * A custom domain's `custom_client_ip_header` is believed only from the proxies TRUST_PROXY names
 * (server/client-ip-header.ts); the in-process test (custom-domains.test.ts) shows it applied.
 */
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { applyClientIpHeader, proxyTrust } from '../../src/server/client-ip-header.js';

const requestFrom = (peer: string, headers: Record<string, string>) => {
  const request = { socket: { remoteAddress: peer }, headers, ip: peer } as unknown as FastifyRequest;
  return request;
};

describe('custom_client_ip_header', () => {
  it('trusts the peers TRUST_PROXY names: addresses and ranges, IPv4-mapped included', () => {
    const trust = proxyTrust('10.0.0.0/8, 192.0.2.10,2001:db8::/32');
    expect(['10.1.2.3', '::ffff:10.1.2.3', '192.0.2.10', '2001:db8::5'].map(trust)).toEqual([true, true, true, true]);
    expect(['11.0.0.1', '192.0.2.11', '2001:db9::5', undefined].map(trust)).toEqual([false, false, false, false]);
    expect(proxyTrust(true)('198.51.100.1')).toBe(true);
    expect(proxyTrust(false)('127.0.0.1')).toBe(false);
  });

  it("takes the header's address from a trusted peer only, and only a well-formed one", () => {
    const trust = proxyTrust('10.0.0.0/8');
    const cases: [string, Record<string, string>, string | undefined, string][] = [
      ['10.0.0.5', { 'cf-connecting-ip': '203.0.113.7' }, 'cf-connecting-ip', '203.0.113.7'],
      ['10.0.0.5', { 'true-client-ip': '2001:db8::7' }, 'true-client-ip', '2001:db8::7'],
      // A client reaching the server directly cannot choose its address.
      ['198.51.100.1', { 'cf-connecting-ip': '203.0.113.7' }, 'cf-connecting-ip', '198.51.100.1'],
      ['10.0.0.5', { 'cf-connecting-ip': 'not-an-ip' }, 'cf-connecting-ip', '10.0.0.5'],
      ['10.0.0.5', {}, 'x-azure-clientip', '10.0.0.5'],
      // X-Forwarded-For is what request.ip already reads through TRUST_PROXY.
      ['10.0.0.5', { 'x-forwarded-for': '203.0.113.7' }, 'x-forwarded-for', '10.0.0.5'],
      ['10.0.0.5', { 'cf-connecting-ip': '203.0.113.7' }, undefined, '10.0.0.5'],
    ];
    for (const [peer, headers, header, expected] of cases) {
      const request = requestFrom(peer, headers);
      applyClientIpHeader(request, header, trust);
      expect(request.ip, `${peer} ${JSON.stringify(headers)} ${header}`).toBe(expected);
    }
  });
});
