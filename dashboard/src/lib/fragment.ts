/**
 * Secrets in links travel in the fragment (`/setup#token=…`, `/invitations/accept#ticket=…`): a
 * fragment never reaches a server log or a Referer. The page reads the value once, then drops the
 * fragment from the address bar and history. Pure: unit-tested in test/unit/dashboard-helpers.test.ts
 * and dashboard-members.test.ts.
 */
export function readFragmentParam(hash: string, name: string): string | undefined {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const value = params.get(name)?.trim();
  return value ? value : undefined;
}
