/**
 * The error body of the control API and of every tenant's Management API (Auth0's shape):
 * `{statusCode, error, message, errorCode}`.
 */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  errorCode: string;
}

/** A failed API call: the HTTP status (0 when the request never got an answer) and the error body. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ApiError> | undefined,
  ) {
    super(body?.message ?? (status === 0 ? 'The server could not be reached.' : `The request failed (HTTP ${status}).`));
    this.name = 'ApiRequestError';
  }

  get code(): string | undefined {
    return this.body?.errorCode;
  }
}

/** openapi-fetch's `{data, error, response}` as data, or an ApiRequestError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const body = typeof result.error === 'object' && result.error !== null ? (result.error as Partial<ApiError>) : undefined;
    throw new ApiRequestError(result.response.status, body);
  }
  return result.data as T;
}

/** Runs an API call, turning a network failure (fetch rejects) into ApiRequestError(0). */
export async function call<T>(request: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request();
  } catch (error) {
    if (error instanceof ApiRequestError) throw error;
    throw new ApiRequestError(0, undefined);
  }
  return unwrap(result);
}
