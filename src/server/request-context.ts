/** What every tenant-scoped request carries once the tenant has been resolved from its host. */
import type { Tenant } from '../domain/tenants/tenant-service.js';

export interface ScopeRequirement {
  /** `any`: one of the scopes suffices (most routes); `all`: every one is needed (e.g. key rotation). */
  mode: 'any' | 'all';
  scopes: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant;
    /** `{public scheme}://{request host name}{public port}/`: the issuer of tokens minted for it, and the base of links. */
    issuer: string;
    /** Scopes of the verified Management API token. */
    grantedScopes?: Set<string>;
    /** The application (`azp`) the verified Management API token was issued to: logged with each write. */
    managementClientId?: string;
  }
  interface FastifyContextConfig {
    /** Management API routes declare the Auth0 scope(s) they need. */
    scopes?: ScopeRequirement;
    /** Routes that answer without a tenant (health checks). */
    tenantless?: boolean;
    /** Management API routes that need no token (the OpenAPI document). */
    public?: boolean;
  }
}

export {};
