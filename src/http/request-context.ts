/** The Management API principal and scope requirement types that routes declare and the server fills in. */
export interface ScopeRequirement {
  /** `any`: one of the scopes suffices (most routes); `all`: every one is needed (e.g. key rotation). */
  mode: 'any' | 'all';
  scopes: string[];
}

/**
 * Who a verified Management API token speaks for: an application (a client-credentials token,
 * `sub` = `{client_id}@clients`), an end user (any user flow; it may act on that user alone), or a
 * tenant member using the dashboard (a dashboard token of the admin tenant; roles as now).
 */
export type ManagementPrincipal =
  | { kind: 'client'; clientId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'dashboard'; accountId: string; roles: string[]; sessionId: string };
