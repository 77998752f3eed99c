/**
 * The address bucket the control API's attempt limits count by (src/domain/attack-protection/address-bucket.ts,
 * shared with the rate limits and attack protection): an IPv6 /64 is one bucket however it is written.
 */
import { describe, expect, it } from 'vitest';
import { addressBucket } from '../../src/domain/attack-protection/address-bucket.js';

describe('addressBucket', () => {
  it('keeps IPv4 addresses whole', () => {
    expect(addressBucket('203.0.113.9')).toBe('203.0.113.9');
  });

  it('puts every address of an IPv6 /64 in one bucket, compressed or not', () => {
    const bucket = addressBucket('2a01:4f8:0:0:0:0:0:1');
    expect(bucket).toBe('2a01:4f8:0:0::/64');
    for (const ip of ['2a01:4f8::1', '2a01:4f8::2', '2a01:4f8::1:2:3:4', '2a01:04f8:0000:0000:ffff::', '2A01:4F8::9%eth0']) expect(addressBucket(ip), ip).toBe(bucket);
    expect(addressBucket('2a01:4f8:0:1::1')).toBe('2a01:4f8:0:1::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });
});
