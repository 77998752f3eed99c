/**
 * Rule violations raised by domain services. The HTTP layers translate them into
 * Auth0's two error formats (Authentication API and Management API); the domain never knows HTTP.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** Auth0 `errorCode`, e.g. `inexistent_resource_server`. */
    readonly code: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string, code = 'invalid_body') => new DomainError('invalid', message, code);
export const notFound = (message: string, code: string) => new DomainError('not_found', message, code);
export const conflict = (message: string, code: string) => new DomainError('conflict', message, code);
export const forbidden = (message: string, code: string) => new DomainError('forbidden', message, code);
/** The server cannot do it as configured (e.g. no email provider): a 503, not the caller's fault. */
export const unavailable = (message: string, code: string) => new DomainError('unavailable', message, code);
