import type { ScopeRequirement } from '../http/request-context.js';

/** Route config for a route that needs any one of the given scopes. */
export const anyOf = (...scopes: string[]): { scopes: ScopeRequirement } => ({ scopes: { mode: 'any', scopes } });
/** Route config for a route that needs every one of the given scopes. */
export const allOf = (...scopes: string[]): { scopes: ScopeRequirement } => ({ scopes: { mode: 'all', scopes } });
/** Route config part for a `/users/:id` route a user's token may call on itself with any one of the given `*:current_user*` scopes. */
export const currentUserAnyOf = (...scopes: string[]): { currentUser: ScopeRequirement } => ({ currentUser: { mode: 'any', scopes } });
