/** The CSP `form-action` of pages whose form ends in a redirect to the application. */

/**
 * Browsers apply form-action to the redirect's target too, so the redirect_uri's origin (or, for a
 * native app's custom scheme, its scheme) is allowed besides our own.
 */
export function formActionFor(redirectUri: string): string[] {
  try {
    const url = new URL(redirectUri);
    const source = url.origin !== 'null' ? url.origin : url.protocol;
    return [`form-action 'self' ${source}`];
  } catch {
    return ["form-action 'self'"];
  }
}
