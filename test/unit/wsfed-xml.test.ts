/**
 * domain/wsfed/xml.ts writes only XML 1.0 characters: C0 controls (but tab, LF, CR), U+FFFE/U+FFFF
 * and lone surrogates in text or attribute values become U+FFFD; a surrogate pair stays. (The
 * integration test cannot carry a lone surrogate through storage: drivers replace it first.)
 */
import { describe, expect, it } from 'vitest';
import { el, writeXml } from '../../src/domain/wsfed/xml.js';

describe('WS-Fed XML writer', () => {
  it('replaces characters XML 1.0 does not allow by U+FFFD, in text and attributes', () => {
    const hostile = 'a\u0001b\ud800c\udc00d\u{1F600}e\tf\uffff\u0000';
    const xml = writeXml(el('r', 'urn:test', { v: hostile }, [hostile]));
    expect(xml).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
    const safe = 'a\uFFFDb\uFFFDc\uFFFDd\u{1F600}e\tf\uFFFD\uFFFD';
    expect(xml).toContain(`>${safe}</r>`);
    expect(xml).toContain(`v="a\uFFFDb\uFFFDc\uFFFDd\u{1F600}e`);
  });
});
