/**
 * Breached password detection, standard method: is this password on the bundled list of passwords
 * known from public breaches? Auth0 matches leaked username/password pairs from breach feeds; a
 * self-hosted server has no such feed, so it matches the password alone against the most common
 * leaked passwords, the ones credential-stuffing attacks try first.
 *
 * A password also counts as breached when only its letter case differs from a listed one
 * (`Password1` for `password1`): case variants are the first mutation cracking tools try.
 */
import { BREACHED_PASSWORD_LIST } from './breached-password-list.js';

let breached: ReadonlySet<string> | undefined;

/** The list as a set, built once, on first use (about 3,500 short strings). */
function breachedSet(): ReadonlySet<string> {
  breached ??= new Set(BREACHED_PASSWORD_LIST);
  return breached;
}

export function isBreachedPassword(password: string): boolean {
  if (password === '') return false;
  const set = breachedSet();
  return set.has(password) || set.has(password.toLowerCase());
}
