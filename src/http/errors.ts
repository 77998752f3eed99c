/**
 * The errors every layer may throw, and how a URL picks its API's error format. The mapping of every
 * failure onto Auth0's two formats (and the 500 for anything unexpected) is the server's
 * (server/errors.ts): Authentication API `{ error, error_description }`, Management API
 * `{ statusCode, error, message, errorCode }`.
 */

export class AuthApiError extends Error {
  /**
   * What the tenant log says when it must say more than the answer: e.g. which rule refused a
   * client assertion before its signature was verified, which the caller must not learn.
   */
  logDescription?: string;

  /** Not a failure worth a log event: an expected answer while a protocol waits (a device flow's `authorization_pending`). */
  unlogged?: boolean;

  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly description: string,
    readonly extra: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

export class ManagementApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errorCode: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The Management API's paths, and the control API's, which answers errors in the same shape. */
export const isManagementApiPath = (url: string): boolean =>
  url === '/api/v2' || url.startsWith('/api/v2/') || url.startsWith('/api/v2?') || url.startsWith('/api/control/');

/**
 * A 400 for bad input found before any route runs (hooks, body parsers), in the format of the API
 * the URL belongs to: `invalid_request` for the Authentication API, `managementCode` for the
 * Management API.
 */
export function badRequestFor(url: string, managementCode: string, message: string): Error {
  return isManagementApiPath(url) ? new ManagementApiError(400, message, managementCode) : new AuthApiError(400, 'invalid_request', message);
}
