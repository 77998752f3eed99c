import type { ScopeRequirement } from '../server/request-context.js';

/** Route config for a route that needs any one of the given scopes. */
export const anyOf = (...scopes: string[]): { scopes: ScopeRequirement } => ({ scopes: { mode: 'any', scopes } });
/** Route config for a route that needs every one of the given scopes. */
export const allOf = (...scopes: string[]): { scopes: ScopeRequirement } => ({ scopes: { mode: 'all', scopes } });
