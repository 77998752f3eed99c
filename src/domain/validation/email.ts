/**
 * The one email address check of the code base: sign-up (hosted page and /dbconnections/signup),
 * password reset (hosted page and /dbconnections/change_password), passwordless start, and the
 * Management API's `format: 'email'` fields all go through `isEmailAddress`.
 *
 * Deliberately loose where it does not matter (the mailbox's own server is the only real judge of
 * an address: any printable local part, internationalized characters, `+` tags) and strict where it
 * does: one `@`, a domain made of dot-separated labels, nothing that could be markup or a header
 * (`<`, `>`, quotes, control characters, spaces). It is a single pass over the characters with no
 * regular expression, and the length cap (RFC 5321: 254 characters for a path, 64 for a local part)
 * is checked first, so a hostile 80 KB "address" costs nothing (a backtracking regex such as
 * `^[^\s@]+@[^\s@]+\.[^\s@]+$` took seconds on one: issue 11, finding 3).
 */

/** RFC 5321's longest forward path (256) minus the angle brackets; Auth0 enforces the same. */
export const EMAIL_MAX_LENGTH = 254;
const LOCAL_PART_MAX_LENGTH = 64;
const LABEL_MAX_LENGTH = 63;

/** RFC 5322 `atext` punctuation allowed in a local part besides letters, digits and dots. */
const LOCAL_PUNCTUATION = new Set("!#$%&'*+-/=?^_`{|}~");

/**
 * Characters that render as nothing or reorder what follows (format characters such as U+202E
 * right-to-left override and zero-width joiners, controls, separators, lone surrogates): an address holding one
 * displays as another in dashboards and emails. One character class, no quantifier: linear.
 */
const INVISIBLE_OR_REORDERING = /[\p{Cc}\p{Cf}\p{Cs}\p{Z}]/u;

export function isEmailAddress(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > EMAIL_MAX_LENGTH) return false;
  // With the u flag a surrogate pair is one code point, so \p{Cs} finds only lone surrogates, which
  // would be re-encoded as U+FFFD when stored: another address than the one checked.
  if (INVISIBLE_OR_REORDERING.test(value)) return false;
  const at = value.indexOf('@');
  if (at <= 0 || at > LOCAL_PART_MAX_LENGTH || at !== value.lastIndexOf('@')) return false;
  return isLocalPart(value, 0, at) && isDomain(value, at + 1, value.length);
}

/** Trimmed and lower-cased when it is an address (how users are stored and found), else undefined. */
export function normalizeEmailAddress(value: string): string | undefined {
  if (value.length > EMAIL_MAX_LENGTH * 4) return undefined; // no point trimming megabytes
  const email = value.trim().toLowerCase();
  return isEmailAddress(email) ? email : undefined;
}

function isLocalPart(text: string, start: number, end: number): boolean {
  if (text[start] === '.' || text[end - 1] === '.') return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2e) {
      if (text.charCodeAt(i + 1) === 0x2e) return false; // ".." is not a dot-atom
    } else if (!(isAlphanumeric(code) || isInternational(code) || LOCAL_PUNCTUATION.has(text[i]!))) {
      return false;
    }
  }
  return true;
}

/** At least two labels (`example.com`); letters, digits, hyphens (not at either end) or non-ASCII. */
function isDomain(text: string, start: number, end: number): boolean {
  let labelStart = start;
  let labels = 0;
  for (let i = start; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== 0x2e) continue;
    const length = i - labelStart;
    if (length === 0 || length > LABEL_MAX_LENGTH) return false;
    if (text[labelStart] === '-' || text[i - 1] === '-') return false;
    for (let j = labelStart; j < i; j++) {
      const code = text.charCodeAt(j);
      if (!(isAlphanumeric(code) || code === 0x2d || isInternational(code))) return false;
    }
    labels++;
    labelStart = i + 1;
  }
  return labels >= 2;
}

const isAlphanumeric = (code: number): boolean => (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);

/** RFC 6531 (SMTPUTF8) addresses: any non-ASCII character except the Unicode spaces and controls. */
const isInternational = (code: number): boolean =>
  code > 0xa0 && code !== 0x1680 && !(code >= 0x2000 && code <= 0x200b) && code !== 0x2028 && code !== 0x2029 && code !== 0x202f && code !== 0x205f && code !== 0x3000 && code !== 0xfeff;
