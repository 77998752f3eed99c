/**
 * Who may receive a WS-Fed token, and where (docs: "Accept WS-Federation Request", "Configure WS-Fed
 * Applications"; node-auth0: the add-on "indicator. Actual configuration is stored in callback and
 * client_aliases properties on the client"):
 * - only an application whose `addons.wsfed` is on (an object; null or absent is off);
 * - its realms are `urn:{client_id}` and each of its `client_aliases`; a `wtrealm` naming another
 *   application's realm is refused, since the token's audience is the realm and the relying party
 *   that receives it could otherwise replay it to that other application;
 * - the reply URL (`wreply`) must be one of its callbacks, by the same rule as an `/authorize`
 *   redirect_uri (url-rules.ts `urlAllowed`); without `wreply`, the first callback that names one URL.
 */
import type { Client } from '../clients/client.js';
import { clientRealm, type RealmOwners } from '../clients/client-aliases.js';
import { placeholdersFor, resolvePlaceholders, urlAllowed, type UrlPlaceholders } from '../clients/url-rules.js';

export const hasWsFedAddon = (client: Client): boolean => {
  const addon = (client.addons as Record<string, unknown> | undefined)?.wsfed;
  return addon !== null && typeof addon === 'object' && !Array.isArray(addon);
};

export { clientRealm };

/**
 * The audience of the application's tokens: the requested realm if it is one of the application's,
 * else undefined; without one, its first alias or `urn:{client_id}`. A realm another application of
 * the tenant also owns (`owners`: aliases stored before the Management API refused such) is refused:
 * it would get that application's tokens posted to this one's callbacks.
 */
export function audienceFor(client: Client, wtrealm: string | undefined, owners: RealmOwners): string | undefined {
  const realm = wtrealm ?? client.client_aliases[0] ?? clientRealm(client.client_id);
  if (realm !== clientRealm(client.client_id) && !client.client_aliases.includes(realm)) return undefined;
  return (owners.get(realm) ?? []).some((id) => id !== client.client_id) ? undefined : realm;
}

/** Where the response may be posted: `wreply` when it is an allowed callback, else undefined; without it, the first callback naming one URL. */
export function replyUrlFor(client: Client, wreply: string | undefined, placeholders: UrlPlaceholders): string | undefined {
  const values = placeholdersFor(client, placeholders);
  if (wreply !== undefined) return client.callbacks.some((allowed) => urlAllowed(allowed, wreply, values)) ? wreply : undefined;
  for (const callback of client.callbacks) {
    const resolved = callback.includes('*') ? undefined : resolvePlaceholders(callback, values);
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

/** Where `wa=wsignout1.0` may send the browser afterwards: one of the application's logout URLs or callbacks. */
export function signOutUrlAllowed(client: Client, wreply: string, placeholders: UrlPlaceholders): boolean {
  const values = placeholdersFor(client, placeholders);
  return [...client.allowed_logout_urls, ...client.callbacks].some((allowed) => urlAllowed(allowed, wreply, values));
}
