/**
 * The setup link is `{adminOrigin}/setup#token=…`: the token is in the fragment, so it never
 * reaches a server log or a Referer. Read it once, then drop it from the address bar and history.
 */
import { readFragmentParam } from '../../lib/fragment.js';

export function readSetupToken(hash: string): string | undefined {
  return readFragmentParam(hash, 'token');
}
