/** The identifier rules strategies share, with the Management API's wording for each refusal. */
import { invalid } from '../../errors.js';
import type { IdentifierCheck, UserIdentifiers } from './login-strategy.js';

export const payloadError = (message: string) => invalid(`Payload validation error: ${message}.`);

export const usernameNotAllowed = () => invalid('Cannot set username for connection without requires_username', 'operation_not_supported');

/** The field a user must have: "Missing required property" on creation, "required for users of … connections" on update. */
export function requireIdentifier(ids: UserIdentifiers, field: 'email' | 'phone_number', check: IdentifierCheck, connections: string): void {
  const value = field === 'email' ? ids.email : ids.phoneNumber;
  if (value === null) throw payloadError(check.operation === 'create' ? `'Missing required property: ${field}'` : `'${field}' is required for users of ${connections} connections`);
}

/** Passwordless users are found by one address or number, and never have a username. */
export function passwordlessIdentifierRule(strategy: string, field: 'email' | 'phone_number') {
  return (_options: unknown, ids: UserIdentifiers, check: IdentifierCheck): void => {
    if (check.usernameGiven && ids.username !== null) throw usernameNotAllowed();
    requireIdentifier(ids, field, check, strategy);
  };
}
