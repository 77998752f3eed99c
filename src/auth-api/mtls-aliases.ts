import { featureOn, type BooleanFeature, type TenantFeatures } from '../domain/tenants/features.js';

/**
 * The tenant's mTLS endpoint aliases (RFC 8705 §5): the endpoints a client reaches over mutual TLS
 * on `mtls.{host}`, listed in discovery's `mtls_endpoint_aliases` when the tenant turns
 * `mtls.enable_endpoint_aliases` on. The alias host serves these paths and nothing else
 * (server/tenant-resolution.ts): a browser must never land on a host that asks for a certificate.
 * An endpoint that needs the client certificate adds itself here; one behind a tenant feature
 * names it, and is advertised only while the feature is on (the path is served regardless, and
 * the endpoint itself refuses when the feature is off).
 */
export const MTLS_ENDPOINT_ALIASES = {
  token_endpoint: '/oauth/token',
  revocation_endpoint: '/oauth/revoke',
  userinfo_endpoint: '/userinfo',
  pushed_authorization_request_endpoint: '/oauth/par',
  backchannel_authentication_endpoint: '/bc-authorize',
} as const;

const ALIAS_FEATURES: Partial<Record<keyof typeof MTLS_ENDPOINT_ALIASES, BooleanFeature>> = {
  pushed_authorization_request_endpoint: 'pushedAuthorizationRequests',
};

export const MTLS_ALIAS_PATHS: ReadonlySet<string> = new Set(Object.values(MTLS_ENDPOINT_ALIASES));

/** Discovery's `mtls_endpoint_aliases` for the alias origin `https://mtls.{host}{:port}`: the endpoints the tenant offers. */
export function mtlsEndpointAliases(aliasOrigin: string, features: TenantFeatures): Record<string, string> {
  return Object.fromEntries(
    Object.entries(MTLS_ENDPOINT_ALIASES)
      .filter(([name]) => featureOn(features, ALIAS_FEATURES[name as keyof typeof MTLS_ENDPOINT_ALIASES]))
      .map(([name, path]) => [name, `${aliasOrigin}${path}`]),
  );
}

/** Whether the tenant serves (and advertises) its mTLS alias host. */
export function mtlsAliasesEnabled(settings: { mtls?: { enable_endpoint_aliases?: boolean } }): boolean {
  return settings.mtls?.enable_endpoint_aliases === true;
}
