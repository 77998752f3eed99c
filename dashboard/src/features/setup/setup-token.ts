/**
 * The setup link is `{adminOrigin}/setup#token=…`: the token is in the fragment, so it never
 * reaches a server log or a Referer. Read it once, then drop it from the address bar and history.
 */
export function readSetupToken(hash: string): string | undefined {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token')?.trim();
  return token ? token : undefined;
}
