/**
 * The client side of the mutual-TLS and FAPI tests: self-signed client certificates and one HTTPS
 * request at a time to a test server, with SNI and Host naming the tenant (or its mTLS alias),
 * trusting only the test CA. A certificate is offered only when the server asks for one, as any TLS
 * client does. Shared by mtls.test.ts, fapi1.test.ts and fapi-conformance.test.ts.
 */
import { createHash, webcrypto } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export interface ClientCert {
  cert: string;
  key: string;
  /** RFC 8705's `x5t#S256`: what a bound token's `cnf` names. */
  thumbprint: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, else the text. */
  body: any;
}

export interface TlsRequest {
  port: number;
  host: string;
  path: string;
  method?: string;
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string | string[]>;
  cert?: ClientCert;
  /** The local address to send from (a test of addresses: 127.0.0.2 and so on). */
  from?: string;
}

/** A PEM block of `der`. */
export const pemOf = (der: ArrayBuffer | Buffer, label: string) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der as ArrayBuffer).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

/** A self-signed client certificate (EC P-256), as `openssl req -x509` would make one. */
export async function clientCertificate(cn: string): Promise<ClientCert> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: createHash('sha256').update(cn).digest('hex').slice(0, 16),
    name: `CN=${cn}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    signingAlgorithm: alg,
    keys,
  });
  return {
    cert: certificate.toString('pem'),
    key: pemOf(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
    thumbprint: createHash('sha256').update(Buffer.from(certificate.rawData)).digest('base64url'),
  };
}

/** One HTTPS request to 127.0.0.1 (or from `from`) on `port`, with SNI and Host `host`, trusting only `ca`. */
export function tlsRequest(ca: string, options: TlsRequest): Promise<Reply> {
  const { port, host } = options;
  const body = options.form ? new URLSearchParams(options.form).toString() : options.json !== undefined ? JSON.stringify(options.json) : undefined;
  const type = options.form ? 'application/x-www-form-urlencoded' : 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        servername: host,
        path: options.path,
        method: options.method ?? (body ? 'POST' : 'GET'),
        ca,
        ...(options.cert ? { cert: options.cert.cert, key: options.cert.key } : {}),
        ...(options.from ? { localAddress: options.from } : {}),
        agent: false,
        headers: { host: `${host}:${port}`, ...(body ? { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A WHATWG fetch over `send` (form bodies only), keeping every Set-Cookie: for FormBrowser, and with
 * a certificate for openid-client and jose.
 */
export function fetchOver(send: (options: Omit<TlsRequest, 'port' | 'host'> & { port?: number; host?: string }) => Promise<Reply>, extra: { cert?: ClientCert; useUrlHost?: boolean } = {}): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()).toString() : undefined;
    const res = await send({
      ...(extra.useUrlHost ? { port: Number(url.port), host: url.hostname } : {}),
      path: url.pathname + url.search,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      ...(extra.cert ? { cert: extra.cert } : {}),
      ...(body !== undefined ? { form: Object.fromEntries(new URLSearchParams(body)) } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const nullBody = [204, 304].includes(res.status);
    return new Response(nullBody ? null : typeof res.body === 'string' ? res.body : JSON.stringify(res.body), { status: res.status, headers });
  };
}
