/**
 * The DNS TXT look-up that verifies a custom domain. The system's resolvers by default, or the
 * servers named in TESSERA_DNS_SERVERS (an operator's own resolver; the tests' local DNS server).
 */
import { Resolver } from 'node:dns/promises';

/** The TXT records at `name`, each with its character strings joined; [] when there are none. */
export type TxtResolver = (name: string) => Promise<string[]>;

/** Answers that mean "no such record" rather than a failure of the look-up itself. */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME', 'NXDOMAIN']);

export function dnsTxtResolver(servers?: string[]): TxtResolver {
  // A look-up runs inside a Management API request: a few seconds at most, never the system default's minutes.
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  if (servers?.length) resolver.setServers(servers);
  return async (name) => {
    try {
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
    } catch (error) {
      if (NO_RECORD.has((error as NodeJS.ErrnoException).code ?? '')) return [];
      throw error;
    }
  };
}
