/** The control API's attempt buckets (src/control-api/attempt-limits.ts): an IPv6 /64 is one bucket however it is written. */
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../src/control-api/attempt-limits.js';

describe('addressKey', () => {
  it('keeps IPv4 addresses whole', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
  });

  it('puts every address of an IPv6 /64 in one bucket, compressed or not', () => {
    const bucket = addressKey('2a01:4f8:0:0:0:0:0:1');
    expect(bucket).toBe('2a01:4f8:0:0');
    for (const ip of ['2a01:4f8::1', '2a01:4f8::2', '2a01:4f8::1:2:3:4', '2a01:04f8:0000:0000:ffff::', '2A01:4F8::9%eth0']) expect(addressKey(ip), ip).toBe(bucket);
    expect(addressKey('2a01:4f8:0:1::1')).toBe('2a01:4f8:0:1');
    expect(addressKey('::1')).toBe('0:0:0:0');
  });
});
