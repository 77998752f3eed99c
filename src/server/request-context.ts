/** What every tenant-scoped request carries once the tenant has been resolved from its host. */
import type { PresentedCertificate } from '../auth-api/client-auth/credentials.js';
import type { Tenant } from '../domain/tenants/tenant-service.js';
import type { UrlPlaceholders } from '../domain/clients/url-rules.js';
import type { ManagementPrincipal, ScopeRequirement } from '../http/request-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant;
    /** `{public scheme}://{request host name}{public port}/`: the issuer of tokens minted for it, and the base of links. */
    issuer: string;
    /** What `{custom_domain.metadata.KEY}` in the application's URLs resolve to on this request's host (url-rules.ts). */
    urlPlaceholders: UrlPlaceholders;
    /** Whether the request came on the tenant's mTLS alias host (`mtls.{host}`): only the mTLS endpoints answer there. */
    mtlsAlias: boolean;
    /** The client certificate the request presented (client-certificate.ts); null without one. */
    clientCertificate: PresentedCertificate | null;
    /** Scopes of the verified Management API token. */
    grantedScopes?: Set<string>;
    /** The application (`azp`) the verified Management API token was issued to: logged with each write. */
    managementClientId?: string;
    /** Whether the verified Management API token is an application's or a user's. */
    managementPrincipal?: ManagementPrincipal;
  }
  interface FastifyContextConfig {
    /** Management API routes declare the Auth0 scope(s) an application's token needs. A route without them refuses every token. */
    scopes?: ScopeRequirement;
    /**
     * Management API routes on `/users/:id` that a user's own token may call (`:id` = its `sub`),
     * with the `*:current_user*` scope(s) it needs. Routes without it refuse every user token.
     */
    currentUser?: ScopeRequirement;
    /** Routes that answer without a tenant (health checks). */
    tenantless?: boolean;
    /** Management API routes that need no token (the OpenAPI document). */
    public?: boolean;
    /** Routes of Auth0 features Tessera does not have (unavailable-features.ts): left out of the OpenAPI document. */
    unavailableFeature?: boolean;
  }
}

export {};
