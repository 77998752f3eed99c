/**
 * An application's `client_aliases` are its WS-Fed realms besides `urn:{client_id}`
 * (domain/wsfed/relying-party.ts), and a realm becomes the token's audience: a realm must name one
 * application of the tenant, or an application could list another's realm and receive tokens meant
 * for it at its own callbacks. The rules here are checked on create and update (client-service.ts);
 * the runtime check of a requested realm reads the same owners map.
 */
import { invalid } from '../errors.js';

/** A realm of an application: `urn:{client_id}` ("urn:clientID" in Auth0's docs). */
export const clientRealm = (clientId: string): string => `urn:${clientId}`;

/** One application's realms as storage gives them (no secret is read). */
export interface RealmEntry {
  clientId: string;
  aliases: readonly string[];
}

/** Realm → the ids of the applications whose realm it is (more than one only for data stored before these rules). */
export type RealmOwners = ReadonlyMap<string, readonly string[]>;

export function realmOwners(entries: readonly RealmEntry[]): RealmOwners {
  const owners = new Map<string, string[]>();
  const add = (realm: string, clientId: string) => {
    const ids = owners.get(realm);
    if (!ids) owners.set(realm, [clientId]);
    else if (!ids.includes(clientId)) ids.push(clientId);
  };
  for (const entry of entries) {
    add(clientRealm(entry.clientId), entry.clientId);
    for (const alias of entry.aliases) add(alias, entry.clientId);
  }
  return owners;
}

/** Whitespace, control characters and lone surrogates: a realm is compared byte for byte, and these hide. */
const UNSAFE_ALIAS = /[\s\p{Cc}\p{Cs}]/u;

/** The rules one application's aliases obey alone (client-rules.ts checkClient). */
export function checkAliasesOwn(aliases: readonly string[]): void {
  const seen = new Set<string>();
  aliases.forEach((alias, index) => {
    if (UNSAFE_ALIAS.test(alias)) throw invalid(`Payload validation error: 'client_aliases' entry ${index} must not contain whitespace or control characters.`);
    if (seen.has(alias)) throw invalid(`Payload validation error: 'client_aliases' entry ${index} is listed twice.`);
    seen.add(alias);
  });
}

/**
 * The rules against the tenant's other applications: no alias may be another application's realm
 * (its `urn:{client_id}` or one of its aliases); on create, the new `urn:{client_id}` may not be
 * another application's alias either.
 */
export function checkAliasesAgainst(client: { client_id: string; client_aliases: readonly string[] }, owners: RealmOwners, options: { created: boolean }): void {
  const ownedElsewhere = (realm: string) => (owners.get(realm) ?? []).some((id) => id !== client.client_id);
  client.client_aliases.forEach((alias, index) => {
    if (ownedElsewhere(alias)) throw invalid(`Payload validation error: 'client_aliases' entry ${index} is a realm of another application of this tenant.`);
  });
  if (options.created && ownedElsewhere(clientRealm(client.client_id))) {
    throw invalid(`Payload validation error: 'client_id' urn:${client.client_id} is listed in another application's 'client_aliases'.`);
  }
}
