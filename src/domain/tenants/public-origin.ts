/**
 * The public origin of every tenant: how browsers, SDKs and emails reach it. Issuers, links in emails,
 * discovery and the Management API identifier are all built here, from the configured scheme and port
 * and the tenant's host name; never from a request's Host port or protocol, which the client chooses.
 */
import type { PublicUrlConfig } from '../../config/config.js';

/** A tenant host's mTLS alias is `mtls.{host}` (Auth0: "mTLS endpoint aliases add the mtls. prefix"). */
export const MTLS_ALIAS_PREFIX = 'mtls.';

export class PublicOrigin {
  private port: number | undefined;
  private pending: boolean;
  /** The mTLS listener's port (null: 443); undefined when there is no such listener. */
  private mtlsPort: number | null | undefined;

  constructor(
    private readonly config: PublicUrlConfig,
    private readonly baseDomain: string,
  ) {
    this.port = config.port;
    this.pending = config.portFromListener === true;
  }

  get scheme(): 'http' | 'https' {
    return this.config.scheme;
  }

  /**
   * With PORT=0 the public port is the one the server was given when it started listening. Until
   * then (and in CLI commands, which never listen) origins are written without a port.
   */
  bindListeningPort(port: number): void {
    if (!this.pending) return;
    this.pending = false;
    this.port = port === (this.config.scheme === 'https' ? 443 : 80) ? undefined : port;
  }

  /** `{scheme}://{host}{:port}` for one of a tenant's host names (already resolved to the tenant). */
  originFor(hostname: string): string {
    return `${this.config.scheme}://${hostname.toLowerCase()}${this.port === undefined ? '' : `:${this.port}`}`;
  }

  /**
   * The port of the mutual-TLS listener (TESSERA_MTLS_PORT) once it listens: the tenants' mTLS
   * aliases are served there. Without that listener (an edge terminates mutual TLS) they share the
   * public port.
   */
  bindMtlsPort(port: number): void {
    this.mtlsPort = port === 443 ? null : port;
  }

  /** `https://mtls.{host}{:port}`: where `hostname`'s mTLS endpoint aliases are (RFC 8705 §5). */
  mtlsAliasOrigin(hostname: string): string {
    const host = `${MTLS_ALIAS_PREFIX}${hostname.toLowerCase()}`;
    if (this.mtlsPort === undefined) return this.originFor(host);
    return `https://${host}${this.mtlsPort === null ? '' : `:${this.mtlsPort}`}`;
  }

  /** The issuer of tokens and the base of links for a request that came on `hostname` (port excluded). */
  issuerFor(hostname: string): string {
    return `${this.originFor(hostname)}/`;
  }

  /** The tenant's canonical origin, `{scheme}://{name}.{base domain}{:port}`. */
  tenantOrigin(tenantName: string): string {
    return this.originFor(`${tenantName}.${this.baseDomain}`);
  }

  /** The one identifier of a tenant's Management API (the system API). */
  managementApiIdentifier(tenantName: string): string {
    return `${this.tenantOrigin(tenantName)}/api/v2/`;
  }

  /**
   * Whether a stored Management API identifier is the current one. With PORT=0 the port changes at
   * every start and differs between instances sharing a database, so only scheme and host count:
   * moving the identifier at each start would pull it from under the other instances' caches.
   */
  isCurrentManagementApiIdentifier(tenantName: string, stored: string): boolean {
    const canonical = this.managementApiIdentifier(tenantName);
    if (stored === canonical || !this.config.portFromListener) return stored === canonical;
    try {
      const [a, b] = [new URL(stored), new URL(canonical)];
      return a.protocol === b.protocol && a.hostname === b.hostname && a.pathname === b.pathname;
    } catch {
      return false;
    }
  }
}
