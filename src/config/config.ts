/**
 * Typed configuration read from the environment once at start.
 * Every value is validated here so a bad deployment fails at boot with a message naming the variable,
 * never later in the middle of a request.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseSecretBoxKey } from '../crypto/secret-box.js';
import { parseMailbox } from '../util/mailbox.js';

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string };

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  tls?: { certFile: string; keyFile: string };
  /**
   * The mutual-TLS listener (`TESSERA_MTLS_PORT`, needs TLS_*): the tenants' `mtls.` alias hosts, where
   * the handshake asks for a client certificate; `TESSERA_MTLS_CA_FILE`, the CAs a `tls_client_auth`
   * certificate's chain must verify against (without it no chain counts as CA-verified).
   */
  mtls?: { port: number; caFile?: string };
  trustProxy: boolean | string;
  baseDomain: string;
  /** Scheme and port of every tenant's public URL (`TESSERA_PUBLIC_URL`): issuers, links, the Management API identifier. */
  publicUrl: PublicUrlConfig;
  defaultTenant: string;
  /**
   * The host name of the control plane's admin tenant (dashboard and control API), `TESSERA_ADMIN_HOST`,
   * by default `manage.{base domain}`. It is served on that host only, never by tenant name.
   */
  adminHost: string;
  /**
   * The first dashboard administrator, for automation (`TESSERA_ADMIN_EMAIL` and
   * `TESSERA_ADMIN_PASSWORD`, set together): created at a start that finds no dashboard account,
   * ignored afterwards. Without them, that start prints a one-time setup link.
   */
  adminAccount?: { email: string; password: string };
  redisUrl?: string;
  /**
   * DNS servers that check custom domains' TXT verification records (`TESSERA_DNS_SERVERS`,
   * `ip` or `ip:port`, comma-separated); the system's resolvers when unset.
   */
  dnsServers?: string[];
  /** Outgoing email (password reset links...); without it, emails go to the dev outbox in the database. */
  /** `allowedFromDomains`: the domains a tenant's own From may use on this relay (`*`: any). */
  smtp?: { url: string; from: string; allowedFromDomains: readonly string[] | '*' };
  /** Passwordless SMS through a Twilio-compatible API; without it, text messages go to the dev outbox. */
  twilio?: { accountSid: string; authToken: string; from: string; baseUrl: string };
  dataDir: string;
  logLevel: string;
  bodyLimitBytes: number;
  bootstrapClient?: { clientId: string; clientSecret: string };
  /** Master key encrypting secrets at rest; without it, one is generated into `{dataDir}/encryption.key`. */
  encryptionKey?: Buffer;
  /** Authentication API rate limits (requests per minute; 0 turns a bucket off). */
  rateLimits: RateLimitConfig;
  /**
   * The most third-party applications a tenant may hold for Dynamic Client Registration to take
   * another (`DCR_MAX_THIRD_PARTY_APPLICATIONS`, default 10,000; 0 refuses every registration).
   */
  dcrMaxThirdPartyApplications: number;
  /**
   * `NODE_ENV=production`: nothing is ever stored in the development outbox (it holds live reset
   * links); an email or text message without a configured provider fails instead.
   */
  production: boolean;
}

/**
 * How tenants are reached from outside: `{scheme}://{tenant host}{:port}`. The scheme and port never
 * come from a request (its Host port and protocol are the client's to choose); only the host name does.
 */
export interface PublicUrlConfig {
  scheme: 'http' | 'https';
  /** Undefined: the scheme's default port (written without a port). */
  port?: number;
  /** True when the port is PORT=0's: known only once the server listens (tests, throwaway servers). */
  portFromListener?: boolean;
  /** True when derived from PORT and TLS rather than set by TESSERA_PUBLIC_URL. */
  derived?: boolean;
}

export interface RateLimitConfig {
  /** Per tenant and client IP address (IPv6 by /64). */
  ipPerMinute: number;
  /** Per tenant and application (client_id in the body or HTTP Basic credentials). */
  clientPerMinute: number;
  /** Prefix of the counters' keys in Redis, so deployments (or test runs) can share one Redis. */
  redisPrefix: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(nonEmpty(env, 'TESSERA_DATA_DIR') ?? './data');
  const port = parsePort(env);
  const tls = parseTls(env);
  const { baseDomain, publicUrl } = parsePublicUrl(env, port, tls !== undefined);
  const config: Config = {
    port,
    host: nonEmpty(env, 'HOST') ?? '0.0.0.0',
    database: parseDatabaseUrl(nonEmpty(env, 'DATABASE_URL') ?? 'sqlite:./data/tessera.db'),
    trustProxy: parseTrustProxy(nonEmpty(env, 'TRUST_PROXY')),
    baseDomain,
    publicUrl,
    defaultTenant: nonEmpty(env, 'TESSERA_DEFAULT_TENANT') ?? 'dev',
    adminHost: parseAdminHost(nonEmpty(env, 'TESSERA_ADMIN_HOST'), baseDomain),
    dataDir,
    logLevel: parseLogLevel(nonEmpty(env, 'LOG_LEVEL') ?? 'info'),
    bodyLimitBytes: parseBodyLimit(nonEmpty(env, 'BODY_LIMIT_BYTES')),
    rateLimits: parseRateLimits(env),
    dcrMaxThirdPartyApplications: parseDcrCap(nonEmpty(env, 'DCR_MAX_THIRD_PARTY_APPLICATIONS')),
    production: env.NODE_ENV === 'production',
  };
  const redisUrl = nonEmpty(env, 'REDIS_URL');
  if (redisUrl) config.redisUrl = parseRedisUrl(redisUrl);
  const dnsServers = nonEmpty(env, 'TESSERA_DNS_SERVERS');
  if (dnsServers) config.dnsServers = parseDnsServers(dnsServers);
  const adminAccount = parseAdminAccount(env);
  if (adminAccount) config.adminAccount = adminAccount;
  const smtp = parseSmtp(env);
  if (smtp) config.smtp = smtp;
  const twilio = parseTwilio(env);
  if (twilio) config.twilio = twilio;
  if (tls) config.tls = tls;
  const mtls = parseMtls(env, tls !== undefined);
  if (mtls) config.mtls = mtls;
  const bootstrap = parseBootstrapClient(env);
  if (bootstrap) config.bootstrapClient = bootstrap;
  const encryptionKey = nonEmpty(env, 'TESSERA_ENCRYPTION_KEY');
  if (encryptionKey) config.encryptionKey = parseEncryptionKey(encryptionKey, 'TESSERA_ENCRYPTION_KEY');
  return config;
}

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function parsePort(env: Env): number {
  const raw = nonEmpty(env, 'PORT');
  if (raw === undefined) return 4000;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 0 || port > 65535) throw new ConfigError('PORT', `must be an integer from 0 to 65535, got "${raw}"`);
  return port;
}

export function parseDatabaseUrl(raw: string): DatabaseConfig {
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new ConfigError('DATABASE_URL', 'sqlite: URL needs a file path, e.g. sqlite:./data/tessera.db');
    return { kind: 'sqlite', file: file === ':memory:' ? file : resolve(file) };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    // `schema` is ours, not libpq's: it lets several deployments (or test runs) share one database.
    const schema = url.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new ConfigError('DATABASE_URL', 'schema parameter must be a lowercase SQL identifier');
    }
    url.searchParams.delete('schema');
    return schema ? { kind: 'postgres', url: url.toString(), schema } : { kind: 'postgres', url: url.toString() };
  }
  throw new ConfigError('DATABASE_URL', `must start with sqlite: or postgres://, got "${raw.split(':')[0]}:..."`);
}

function parseTrustProxy(raw: string | undefined): boolean | string {
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  // Fastify accepts a comma-separated list of trusted addresses / CIDR ranges.
  if (/^[0-9a-fA-F:.,/ ]+$/.test(raw)) return raw;
  throw new ConfigError('TRUST_PROXY', 'must be true, false, or a comma-separated list of proxy addresses/CIDRs');
}

/** `ip`, `ip:port` or `[ipv6]:port` entries, as node:dns `setServers` takes them. */
function parseDnsServers(raw: string): string[] {
  const servers = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const server of servers) {
    const match = /^(?:\[([0-9a-fA-F:]+)\]:(\d{1,5})|([0-9a-fA-F:]+)|(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?)$/.exec(server);
    const port = Number(match?.[2] ?? match?.[5] ?? 53);
    if (!match || port < 1 || port > 65535 || isIP(match[1] ?? match[3] ?? match[4] ?? '') === 0) {
      throw new ConfigError('TESSERA_DNS_SERVERS', `must be a comma-separated list of IP addresses, optionally with a port (1.1.1.1, 127.0.0.1:5353, [::1]:53), got "${server}"`);
    }
  }
  return servers;
}

function parseBaseDomain(raw: string): string {
  const domain = raw.toLowerCase();
  if (!HOSTNAME.test(domain)) throw new ConfigError('TESSERA_BASE_DOMAIN', `must be a DNS name such as "localhost" or "auth.example.com", got "${raw}"`);
  return domain;
}

function parseAdminAccount(env: Env): { email: string; password: string } | undefined {
  const email = nonEmpty(env, 'TESSERA_ADMIN_EMAIL');
  const password = env.TESSERA_ADMIN_PASSWORD === '' ? undefined : env.TESSERA_ADMIN_PASSWORD;
  if (email === undefined && password === undefined) return undefined;
  if (email === undefined) throw new ConfigError('TESSERA_ADMIN_EMAIL', 'must be set together with TESSERA_ADMIN_PASSWORD');
  if (password === undefined) throw new ConfigError('TESSERA_ADMIN_PASSWORD', 'must be set together with TESSERA_ADMIN_EMAIL');
  if (!/^[^\s@]{1,64}@[^\s@]{1,255}$/.test(email)) throw new ConfigError('TESSERA_ADMIN_EMAIL', `must be an email address, got "${email}"`);
  return { email, password };
}

function parseAdminHost(raw: string | undefined, baseDomain: string): string {
  if (raw === undefined) return `manage.${baseDomain}`;
  const host = raw.toLowerCase();
  if (!HOSTNAME.test(host)) throw new ConfigError('TESSERA_ADMIN_HOST', `must be a DNS name such as "manage.auth.example.com", got "${raw}"`);
  if (host === baseDomain) throw new ConfigError('TESSERA_ADMIN_HOST', 'cannot be the base domain (the default tenant is served there)');
  return host;
}

const DEFAULT_PORTS = { http: 80, https: 443 } as const;

/**
 * `TESSERA_PUBLIC_URL` is a template, `{scheme}://{tenant}.{base domain}[:port]`, e.g.
 * `https://{tenant}.auth.example.com` behind a TLS-terminating proxy. Without it the server's own
 * scheme and port are public (`http(s)://{tenant}.{TESSERA_BASE_DOMAIN}:{PORT}`). Its host must be
 * `{tenant}.` followed by the base domain: tenants are found by that host, so the two cannot disagree
 * (TESSERA_BASE_DOMAIN may be left out, it is then taken from the template).
 */
export function parsePublicUrl(env: Env, port: number, tls: boolean): { baseDomain: string; publicUrl: PublicUrlConfig } {
  const rawBase = nonEmpty(env, 'TESSERA_BASE_DOMAIN');
  const raw = nonEmpty(env, 'TESSERA_PUBLIC_URL');
  if (raw === undefined) {
    const baseDomain = parseBaseDomain(rawBase ?? 'localhost');
    const scheme = tls ? 'https' : 'http';
    if (port === 0) return { baseDomain, publicUrl: { scheme, portFromListener: true, derived: true } };
    return { baseDomain, publicUrl: port === DEFAULT_PORTS[scheme] ? { scheme, derived: true } : { scheme, port, derived: true } };
  }
  const problem = (what: string) => new ConfigError('TESSERA_PUBLIC_URL', `${what}, e.g. https://{tenant}.auth.example.com or https://{tenant}.localhost:4000; got "${raw}"`);
  const match = /^(https?):\/\/\{tenant\}\.([^/:?#]+)(?::(\d{1,5}))?\/?$/i.exec(raw);
  if (!match) throw problem('must be http(s)://{tenant}.{base domain}[:port] with no path');
  const scheme = match[1]!.toLowerCase() as 'http' | 'https';
  const domain = match[2]!.toLowerCase();
  if (!HOSTNAME.test(domain)) throw problem(`has "${domain}" after {tenant}., which is not a DNS name`);
  if (rawBase !== undefined && parseBaseDomain(rawBase) !== domain) {
    throw problem(`must use TESSERA_BASE_DOMAIN ("${rawBase.toLowerCase()}") after {tenant}.`);
  }
  const explicitPort = match[3] === undefined ? undefined : Number(match[3]);
  if (explicitPort !== undefined && (explicitPort < 1 || explicitPort > 65535)) throw problem('has a port outside 1-65535');
  const publicPort = explicitPort === DEFAULT_PORTS[scheme] ? undefined : explicitPort;
  return { baseDomain: domain, publicUrl: publicPort === undefined ? { scheme } : { scheme, port: publicPort } };
}

function parseLogLevel(raw: string): string {
  if (!LOG_LEVELS.includes(raw)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return raw;
}

function parseBodyLimit(raw: string | undefined): number {
  if (raw === undefined) return 1024 * 1024;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024 || n > 64 * 1024 * 1024) throw new ConfigError('BODY_LIMIT_BYTES', 'must be an integer between 1024 and 67108864');
  return n;
}

/**
 * Defaults are per tenant and generous: they stop floods and runaway scripts, not busy applications
 * (6,000 a minute is 100 requests a second from one address; 30,000 is 500 a second for one application).
 */
function parseRateLimits(env: Env): RateLimitConfig {
  const perMinute = (name: string, fallback: number): number => {
    const raw = nonEmpty(env, name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n > 1_000_000_000) throw new ConfigError(name, `must be an integer from 0 (no limit) to 1000000000 requests per minute, got "${raw}"`);
    return n;
  };
  const redisPrefix = nonEmpty(env, 'RATE_LIMIT_REDIS_PREFIX') ?? 'tessera:ratelimit:';
  if (!/^[\x21-\x7e]{1,100}$/.test(redisPrefix)) throw new ConfigError('RATE_LIMIT_REDIS_PREFIX', 'must be 1-100 printable characters without spaces');
  return { ipPerMinute: perMinute('RATE_LIMIT_IP_PER_MINUTE', 6_000), clientPerMinute: perMinute('RATE_LIMIT_CLIENT_PER_MINUTE', 30_000), redisPrefix };
}

function parseDcrCap(raw: string | undefined): number {
  if (raw === undefined) return 10_000;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 1_000_000) throw new ConfigError('DCR_MAX_THIRD_PARTY_APPLICATIONS', `must be an integer from 0 to 1000000 applications, got "${raw}"`);
  return n;
}

function parseRedisUrl(raw: string): string {
  if (!/^rediss?:\/\//.test(raw)) throw new ConfigError('REDIS_URL', 'must start with redis:// or rediss://');
  return raw;
}

/** `smtp://` or `smtps://` (TLS from the start), credentials in the URL; `SMTP_FROM` is the sender. */
function parseSmtp(env: Env): Config['smtp'] {
  const raw = nonEmpty(env, 'SMTP_URL');
  const from = nonEmpty(env, 'SMTP_FROM');
  if (!raw) {
    if (from) throw new ConfigError('SMTP_FROM', 'needs SMTP_URL');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SMTP_URL', 'is not a valid URL, e.g. smtp://user:pass@mail.example.com:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps://');
  if (!url.hostname) throw new ConfigError('SMTP_URL', 'must name a host');
  const sender = from ?? `no-reply@${url.hostname}`;
  // An address, optionally with a display name: `Tessera <no-reply@example.com>`.
  const mailbox = /[\r\n]/.test(sender) ? undefined : parseMailbox(sender);
  if (!mailbox || !/^[^\s@<>]+@[^\s@<>]+$/.test(mailbox.address)) throw new ConfigError('SMTP_FROM', 'must be an email address, optionally as "Name <address>"');
  return { url: raw, from: sender, allowedFromDomains: parseAllowedFromDomains(env, sender) };
}

/**
 * `SMTP_ALLOWED_FROM_DOMAINS`: the domains a tenant may send from through this relay (a passwordless
 * connection's `options.email.from`), comma-separated, or `*` for any. By default only SMTP_FROM's own
 * domain: on a shared server one tenant must not send as another organisation through the operator's relay.
 */
function parseAllowedFromDomains(env: Env, sender: string): readonly string[] | '*' {
  const raw = nonEmpty(env, 'SMTP_ALLOWED_FROM_DOMAINS');
  if (raw?.trim() === '*') return '*';
  const domains = raw ? raw.split(',').map((domain) => domain.trim().toLowerCase()).filter(Boolean) : [sender.replace(/>$/, '').split('@').pop()!.toLowerCase()];
  for (const domain of domains) {
    if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domain)) throw new ConfigError('SMTP_ALLOWED_FROM_DOMAINS', `"${domain}" is not a domain name (use a comma-separated list, or *)`);
  }
  return domains;
}

/** `SMS_TWILIO_ACCOUNT_SID`, `SMS_TWILIO_AUTH_TOKEN` and `SMS_TWILIO_FROM` together; `SMS_TWILIO_URL` for a compatible API. */
function parseTwilio(env: Env): Config['twilio'] {
  const names = ['SMS_TWILIO_ACCOUNT_SID', 'SMS_TWILIO_AUTH_TOKEN', 'SMS_TWILIO_FROM'] as const;
  const [accountSid, authToken, from] = names.map((name) => nonEmpty(env, name));
  const rawUrl = nonEmpty(env, 'SMS_TWILIO_URL');
  if (!accountSid && !authToken && !from) {
    if (rawUrl) throw new ConfigError('SMS_TWILIO_URL', 'needs SMS_TWILIO_ACCOUNT_SID, SMS_TWILIO_AUTH_TOKEN and SMS_TWILIO_FROM');
    return undefined;
  }
  const missing = names.find((name) => !nonEmpty(env, name));
  if (missing) throw new ConfigError(missing, 'must be set together with the other SMS_TWILIO_* variables');
  if (!/^\+[1-9]\d{6,14}$/.test(from!) && !/^MG[0-9a-fA-F]{32}$/.test(from!)) throw new ConfigError('SMS_TWILIO_FROM', 'must be an E.164 phone number or a messaging service SID (MG...)');
  const baseUrl = rawUrl ?? 'https://api.twilio.com';
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) throw new ConfigError('SMS_TWILIO_URL', 'must be an http(s) URL');
  return { accountSid: accountSid!, authToken: authToken!, from: from!, baseUrl };
}

function parseTls(env: Env): Config['tls'] {
  const certFile = nonEmpty(env, 'TLS_CERT_FILE');
  const keyFile = nonEmpty(env, 'TLS_KEY_FILE');
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new ConfigError(certFile ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE', 'must be set together with the other TLS_* file');
  return { certFile: resolve(certFile), keyFile: resolve(keyFile) };
}

function parseMtls(env: Env, tls: boolean): Config['mtls'] {
  const rawPort = nonEmpty(env, 'TESSERA_MTLS_PORT');
  const caFile = nonEmpty(env, 'TESSERA_MTLS_CA_FILE');
  if (rawPort === undefined) {
    if (caFile) throw new ConfigError('TESSERA_MTLS_CA_FILE', 'needs TESSERA_MTLS_PORT (the mutual-TLS listener it configures)');
    return undefined;
  }
  if (!tls) throw new ConfigError('TESSERA_MTLS_PORT', 'needs TLS_CERT_FILE and TLS_KEY_FILE: the mutual-TLS listener serves the same certificate');
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port < 0 || port > 65535) throw new ConfigError('TESSERA_MTLS_PORT', `must be an integer from 0 to 65535, got "${rawPort}"`);
  return { port, ...(caFile ? { caFile: resolve(caFile) } : {}) };
}

function parseBootstrapClient(env: Env): Config['bootstrapClient'] {
  const clientId = nonEmpty(env, 'TESSERA_BOOTSTRAP_CLIENT_ID');
  const clientSecret = nonEmpty(env, 'TESSERA_BOOTSTRAP_CLIENT_SECRET');
  if (!clientId && !clientSecret) return undefined;
  if (!clientId || !clientSecret) {
    throw new ConfigError(clientId ? 'TESSERA_BOOTSTRAP_CLIENT_SECRET' : 'TESSERA_BOOTSTRAP_CLIENT_ID', 'must be set together with the other bootstrap variable');
  }
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(clientId)) throw new ConfigError('TESSERA_BOOTSTRAP_CLIENT_ID', 'must be 16-64 characters of A-Z a-z 0-9 _ -');
  if (clientSecret.length < 32 || clientSecret.length > 128) throw new ConfigError('TESSERA_BOOTSTRAP_CLIENT_SECRET', 'must be 32-128 characters long');
  return { clientId, clientSecret };
}

/** 32 random bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`). */
export function parseEncryptionKey(raw: string, source: string): Buffer {
  const key = parseSecretBoxKey(raw);
  if (!key) throw new ConfigError(source, 'must be 32 bytes written as 64 hex digits or base64 (generate one with: openssl rand -base64 32)');
  return key;
}
