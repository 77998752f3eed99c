/**
 * A User-Agent string as `/me/sessions` shows it: the browser with its major version, and the
 * device. One small table each, first match wins, so a browser that mentions others in its string
 * (Edge says Chrome and Safari; Chrome says Safari) is listed before them.
 *
 * The text is attacker-chosen: it is cut to USER_AGENT_PARSE_MAX characters first, and every test
 * is a substring search or a regular expression with one bounded repetition and no
 * nesting (`Name/` then up to 4 digits), so the work stays linear in the input.
 */

export type BrowserName = 'Chrome' | 'Firefox' | 'Safari' | 'Edge';
export type Browser = `${BrowserName} ${number}` | 'Unknown';
export type Device = 'Windows' | 'macOS' | 'Linux' | 'iPhone' | 'iPad' | 'Android' | 'ChromeOS' | 'Unknown';

export interface ParsedUserAgent {
  browser: Browser;
  device: Device;
}

/** What is read of a User-Agent (as much as dashboard sessions store). */
export const USER_AGENT_PARSE_MAX = 512;

interface BrowserRule {
  name: BrowserName | 'Unknown';
  /** The rule applies when the string contains one of these. */
  markers: readonly string[];
  /** Where the major version is read: `Token/123`. */
  version?: RegExp;
}

/**
 * In order. Browsers built on Chromium or WebKit that are none of the four (Opera, Samsung
 * Internet, Yandex) claim Chrome or Safari in their strings too: they are named Unknown rather
 * than mistaken for what they imitate.
 */
const BROWSERS: readonly BrowserRule[] = [
  { name: 'Edge', markers: ['Edg/', 'EdgA/', 'EdgiOS/', 'Edge/'], version: /Edg(?:e|A|iOS)?\/(\d{1,4})/ },
  { name: 'Unknown', markers: ['OPR/', 'OPiOS/', 'Opera', 'SamsungBrowser/', 'YaBrowser/'] },
  { name: 'Firefox', markers: ['Firefox/', 'FxiOS/'], version: /(?:Firefox|FxiOS)\/(\d{1,4})/ },
  { name: 'Chrome', markers: ['CriOS/', 'Chrome/'], version: /(?:CriOS|Chrome)\/(\d{1,4})/ },
  // Safari states its own version as `Version/17.1`; its `Safari/605.1.15` is the WebKit build.
  { name: 'Safari', markers: ['Safari/'], version: /Version\/(\d{1,4})/ },
];

/** In order: mobile systems first (Android strings say Linux; iPhone ones say "like Mac OS X"). */
const DEVICES: ReadonlyArray<{ device: Device; markers: readonly string[] }> = [
  { device: 'iPhone', markers: ['iPhone', 'iPod'] },
  { device: 'iPad', markers: ['iPad'] },
  { device: 'Android', markers: ['Android'] },
  { device: 'ChromeOS', markers: ['CrOS'] },
  { device: 'Windows', markers: ['Windows'] },
  { device: 'macOS', markers: ['Macintosh', 'Mac OS X'] },
  { device: 'Linux', markers: ['Linux', 'X11'] },
];

const containsAny = (text: string, markers: readonly string[]): boolean => markers.some((marker) => text.includes(marker));

export function parseUserAgent(userAgent: string | undefined): ParsedUserAgent {
  const text = (userAgent ?? '').slice(0, USER_AGENT_PARSE_MAX);
  return { browser: browserOf(text), device: DEVICES.find((rule) => containsAny(text, rule.markers))?.device ?? 'Unknown' };
}

function browserOf(text: string): Browser {
  const rule = BROWSERS.find((candidate) => containsAny(text, candidate.markers));
  if (!rule || rule.name === 'Unknown' || !rule.version) return 'Unknown';
  const major = rule.version.exec(text)?.[1];
  return major === undefined ? 'Unknown' : `${rule.name} ${Number(major)}`;
}
