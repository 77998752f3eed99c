/**
 * Versioned migrations, applied in name order by Kysely's Migrator at start and by `tessera migrate`.
 * Append new files; never edit one that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import { foundation } from './001-foundation.js';
import { cacheInvalidations } from './002-cache-invalidations.js';
import { connectionsUsers } from './003-connections-users.js';
import { roles } from './004-roles.js';
import { logIndexes } from './005-log-indexes.js';
import { oidc } from './006-oidc.js';
import { devOutbox } from './007-dev-outbox.js';
import { branding } from './008-branding.js';
import { attackProtection } from './009-attack-protection.js';
import { passwordless } from './010-passwordless.js';
import { loginAttemptsInFlight } from './011-login-attempts-in-flight.js';
import { expiryIndexes } from './012-expiry-indexes.js';
import { bootstrapClientId } from './013-bootstrap-client-id.js';
import { userIdentities } from './014-user-identities.js';
import { controlPlane } from './015-control-plane.js';
import { stats } from './016-stats.js';
import { pendingInvitationUnique } from './017-pending-invitation-unique.js';
import { outboxSender } from './018-outbox-sender.js';
import { customSigningKeys } from './019-custom-signing-keys.js';
import { customDomains } from './020-custom-domains.js';
import { clientCredentials } from './021-client-credentials.js';
import { clientCredentialKidUnique } from './022-client-credential-kid-unique.js';
import { hotPathIndexes } from './025-hot-path-indexes.js';
import { clientFirstParty } from './026-client-first-party.js';

export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: SqlDialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '001-foundation': foundation(this.dialect),
      '002-cache-invalidations': cacheInvalidations(this.dialect),
      '003-connections-users': connectionsUsers(),
      '004-roles': roles(),
      '005-log-indexes': logIndexes(this.dialect),
      '006-oidc': oidc,
      '007-dev-outbox': devOutbox,
      '008-branding': branding,
      '009-attack-protection': attackProtection,
      '010-passwordless': passwordless,
      '011-login-attempts-in-flight': loginAttemptsInFlight,
      '012-expiry-indexes': expiryIndexes,
      '013-bootstrap-client-id': bootstrapClientId,
      '014-user-identities': userIdentities,
      '015-control-plane': controlPlane,
      '016-stats': stats,
      '017-pending-invitation-unique': pendingInvitationUnique,
      '018-outbox-sender': outboxSender,
      '019-custom-signing-keys': customSigningKeys,
      '020-custom-domains': customDomains,
      '021-client-credentials': clientCredentials,
      '022-client-credential-kid-unique': clientCredentialKidUnique,
      '025-hot-path-indexes': hotPathIndexes,
      '026-client-first-party': clientFirstParty,
    };
  }
}
