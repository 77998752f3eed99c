/** The WS-Fed issuer name of a tenant host: `urn:{host name}`, as Auth0 names its tenants (`urn:{tenant}.auth0.com`); a custom domain names its own. */
export const wsFedIssuer = (issuer: string): string => `urn:${new URL(issuer).hostname}`;
