/**
 * Certificate-bound tokens (RFC 8705 §3, Auth0 "Configure Sender Constraining"): whether a token
 * is bound to the client certificate of its request, and when a request without one is refused.
 *  - A token request that presents a client certificate (mutual TLS on the mTLS alias host, or a
 *    trusted edge's `client-certificate` header) gets tokens bound to it: `cnf: {"x5t#S256": …}`,
 *    the base64url SHA-256 of the certificate's DER (RFC 8705 §3.1).
 *  - The application's `require_proof_of_possession`, or the API's
 *    `proof_of_possession: {mechanism: "mtls", required: true}`, make the binding mandatory: a
 *    request without a certificate is refused rather than given a bearer token.
 * DPoP is not implemented, so `mechanism: "dpop"` is refused when the API is written
 * (checkProofOfPossession), never stored and ignored.
 */
import type { Client } from '../clients/client.js';
import type { ResourceServer } from '../resource-servers/resource-server.js';
import { invalid } from '../errors.js';
import { complianceProfileOf } from '../clients/compliance-levels.js';

/** A token request the binding rules refuse: the token endpoint answers it as `invalid_request`. */
export class ProofOfPossessionRequired extends Error {}

export const PROOF_OF_POSSESSION_MECHANISMS = ['mtls'] as const;
const REQUIRED_FOR = ['all_clients', 'public_clients'] as const;

interface ProofOfPossession {
  mechanism?: string;
  required?: boolean;
  required_for?: (typeof REQUIRED_FOR)[number];
}

/** A public client authenticates with nothing (`token_endpoint_auth_method: none`). */
export function isPublicClient(client: Pick<Client, 'token_endpoint_auth_method'>): boolean {
  return client.token_endpoint_auth_method === 'none';
}

/** Why a token for `client` (and `api`, when it names one) must be certificate-bound; undefined when it need not be. */
export function bindingRequirement(client: Client, api: ResourceServer | undefined): string | undefined {
  if (client.require_proof_of_possession === true) return 'The application requires sender-constrained tokens (require_proof_of_possession)';
  const profile = complianceProfileOf(client);
  if (profile?.senderConstrained) return `The application requires sender-constrained tokens (compliance_level ${profile.level})`;
  const pop = api?.proof_of_possession as ProofOfPossession | null | undefined;
  if (pop?.mechanism === 'mtls' && pop.required === true && (pop.required_for !== 'public_clients' || isPublicClient(client))) {
    return `The API ${api!.identifier} requires sender-constrained tokens (proof_of_possession)`;
  }
  return undefined;
}

/**
 * The thumbprint to bind a token to: the presented certificate's, or none when no certificate was
 * presented and nothing requires one. Throws ProofOfPossessionRequired when one is required and absent.
 */
export function bindingFor(client: Client, api: ResourceServer | undefined, presented: string | undefined): string | undefined {
  if (presented) return presented;
  const requirement = bindingRequirement(client, api);
  if (requirement) throw new ProofOfPossessionRequired(`${requirement}: send the token request over mutual TLS with the client certificate.`);
  return undefined;
}

/**
 * An API's `proof_of_possession` as written through the Management API: null/empty, or
 * `{mechanism: "mtls", required?: boolean, required_for?: "all_clients" | "public_clients"}`.
 * Anything else is a 400 naming the field: `mechanism: "dpop"` would otherwise be stored and the
 * tokens issued as plain bearer tokens.
 */
export function checkProofOfPossession(value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('proof_of_possession must be an object or null.');
  const pop = value as Record<string, unknown>;
  if (Object.keys(pop).length === 0) return;
  for (const key of Object.keys(pop)) {
    if (key !== 'mechanism' && key !== 'required' && key !== 'required_for') throw invalid(`proof_of_possession.${key} is not supported by this server.`);
  }
  if (!PROOF_OF_POSSESSION_MECHANISMS.includes(pop.mechanism as 'mtls')) {
    throw invalid(`proof_of_possession.mechanism is not supported by this server (accepted: "mtls"; DPoP is not implemented).`);
  }
  if (pop.required !== undefined && typeof pop.required !== 'boolean') throw invalid('proof_of_possession.required must be a boolean.');
  if (pop.required_for !== undefined && !REQUIRED_FOR.includes(pop.required_for as 'all_clients')) {
    throw invalid(`proof_of_possession.required_for must be one of: ${REQUIRED_FOR.join(', ')}.`);
  }
}
