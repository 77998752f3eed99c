/** The User-Agent table behind `/me/sessions`' device and browser (domain/control-plane/user-agent.ts). */
import { describe, expect, it } from 'vitest';
import { parseUserAgent, USER_AGENT_PARSE_MAX } from '../../src/domain/control-plane/user-agent.js';

/** Real strings, as these browsers sent them (late 2024). */
const CASES: Array<[string, string, string]> = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131', 'Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133', 'Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge 131', 'Windows'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15', 'Safari 17', 'macOS'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131', 'macOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1', 'Safari 17', 'iPhone'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15', 'Firefox 133', 'iPhone'],
  ['Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1', 'Chrome 131', 'iPad'],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome 131', 'Android'],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0', 'Edge 131', 'Android'],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133', 'Linux'],
  ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131', 'ChromeOS'],
  // Browsers that imitate Chrome in their strings are not taken for it.
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/116.0.0.0', 'Unknown', 'Windows'],
  ['Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36', 'Unknown', 'Android'],
  ['curl/8.5.0', 'Unknown', 'Unknown'],
  ['', 'Unknown', 'Unknown'],
];

describe('parseUserAgent', () => {
  it.each(CASES)('%s', (userAgent, browser, device) => {
    expect(parseUserAgent(userAgent)).toEqual({ browser, device });
  });

  it('a missing header is Unknown on both counts', () => {
    expect(parseUserAgent(undefined)).toEqual({ browser: 'Unknown', device: 'Unknown' });
  });

  it('Safari without its Version token has no version to show: Unknown', () => {
    expect(parseUserAgent('Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1.15').browser).toBe('Unknown');
  });

  it('reads only the first USER_AGENT_PARSE_MAX characters', () => {
    const padding = 'x'.repeat(USER_AGENT_PARSE_MAX);
    expect(parseUserAgent(`${padding} (Windows NT 10.0) Chrome/131.0`)).toEqual({ browser: 'Unknown', device: 'Unknown' });
    expect(parseUserAgent(`Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 ${padding}`)).toEqual({ browser: 'Chrome 131', device: 'Windows' });
  });

  it('hostile strings of a megabyte are read only up to USER_AGENT_PARSE_MAX characters', () => {
    // No timing assertion (the machine's load would decide it): the parse of a megabyte is the
    // parse of its first USER_AGENT_PARSE_MAX characters, so its cost is bounded by that prefix.
    const hostile = ['Chrome/' + '9'.repeat(1_000_000), 'Edg/'.repeat(250_000), 'Safari/ ' + 'Version/1'.repeat(100_000), '('.repeat(1_000_000)];
    const parsed = hostile.map((text) => parseUserAgent(text));
    expect(parsed).toEqual(hostile.map((text) => parseUserAgent(text.slice(0, USER_AGENT_PARSE_MAX))));
    expect(parsed.map((p) => p.browser)).toEqual(['Chrome 9999', 'Unknown', 'Safari 1', 'Unknown']);
  });
});
