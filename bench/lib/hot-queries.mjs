// The queries of the Management API's and the Authentication API's hot paths (and of the sweeper),
// as calls of the real repositories with representative values from a seeded tenant. Each case names
// the endpoint that issues it. `inherent` marks a query that reads all of a tenant's rows of a table
// by design, with the reason; `deferred` one whose index is a trade-off left open, with the reason
// (both are reported, not failed).

/**
 * `s` holds the sample values (seeded tenant, a user in the middle, ...). Each `run(repos, s)` is one
 * repository call; some answer a first query with a row so the call goes on to its next query.
 */
export function hotQueries() {
  const page = { offset: 0, limit: 50 };
  const deepPage = { offset: 950, limit: 50 };
  const now = new Date().toISOString();
  const dayAgo = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const hash = 'x'.repeat(43);
  return [
    // --- users -------------------------------------------------------------------------------------
    { name: 'users.findById', path: 'GET /api/v2/users/{id}; every login, token and session check', run: (r, s) => r.users.findById(s.tenantId, s.userId) },
    { name: 'users.findByEmail', path: 'GET /api/v2/users-by-email', run: (r, s) => r.users.findByEmail(s.tenantId, s.email) },
    { name: 'users.findInConnection(email)', path: 'password login, signup, password reset', run: (r, s) => r.users.findInConnection(s.tenantId, s.connectionId, { email: s.email }) },
    { name: 'users.findInConnection(username)', path: 'password login by username', run: (r, s) => r.users.findInConnection(s.tenantId, s.connectionId, { username: 'someone' }) },
    { name: 'users.findInConnection(phone)', path: 'passwordless SMS login', run: (r, s) => r.users.findInConnection(s.tenantId, s.connectionId, { phoneNumber: '+15550100' }) },
    { name: 'users.search(page)', path: 'GET /api/v2/users (default order)', run: (r, s) => r.users.search(s.tenantId, undefined, undefined, page) },
    { name: 'users.search(deep page)', path: 'GET /api/v2/users?page=19', run: (r, s) => r.users.search(s.tenantId, undefined, undefined, deepPage) },
    { name: 'users.count', path: 'GET /api/v2/users?include_totals=true', run: (r, s) => r.users.count(s.tenantId, undefined), inherent: 'an exact total counts every user of the tenant (an index-only count)' },
    { name: 'users.search(email)', path: 'GET /api/v2/users?q=email:"…"', run: (r, s) => r.users.search(s.tenantId, { kind: 'text', field: 'email', pattern: s.email }, undefined, page) },
    { name: 'users.count(email)', path: 'GET /api/v2/users?q=email:"…"&include_totals=true', run: (r, s) => r.users.count(s.tenantId, { kind: 'text', field: 'email', pattern: s.email }) },
    { name: 'users.search(user_id)', path: 'GET /api/v2/users?q=user_id:"…"', run: (r, s) => r.users.search(s.tenantId, { kind: 'text', field: 'user_id', pattern: s.userId }, undefined, page) },
    { name: 'users.search(sort=last_login)', path: 'GET /api/v2/users?sort=last_login:-1', run: (r, s) => r.users.search(s.tenantId, undefined, { field: 'last_login', descending: true }, page), inherent: 'sorting by a field without an index sorts every user of the tenant' },
    {
      name: 'users.search(app_metadata)',
      path: 'GET /api/v2/users?q=app_metadata.plan:gold',
      run: (r, s) => r.users.search(s.tenantId, { kind: 'metadata', column: 'app_metadata', path: ['plan'], pattern: 'gold' }, undefined, page),
      inherent: 'metadata is JSON without an index: the tenant is read in creation order until a page of matches is found',
    },
    {
      name: 'users.count(app_metadata)',
      path: 'GET /api/v2/users?q=app_metadata.plan:gold&include_totals=true',
      run: (r, s) => r.users.count(s.tenantId, { kind: 'metadata', column: 'app_metadata', path: ['plan'], pattern: 'gold' }),
      inherent: 'counting the matches of a non-indexed field reads every user of the tenant',
    },
    { name: 'users.search(name wildcard)', path: 'GET /api/v2/users?q=name:*ada*', run: (r, s) => r.users.search(s.tenantId, { kind: 'text', field: 'name', pattern: '*ada*' }, undefined, page), inherent: 'an infix wildcard cannot use a B-tree index' },
    { name: 'users.recordLogin', path: 'every successful login', run: (r, s) => r.users.recordLogin(s.tenantId, s.userId, now, {}) },
    { name: 'users.delete', path: 'DELETE /api/v2/users/{id}', run: (r, s) => r.users.delete(s.tenantId, s.userId) },
    { name: 'userIdentities.listForUsers', path: 'every user answer (identities[])', run: (r, s) => r.userIdentities.listForUsers(s.tenantId, s.pageUserIds) },
    { name: 'userIdentities.deleteForUser', path: 'DELETE /api/v2/users/{id}', run: (r, s) => r.userIdentities.deleteForUser(s.tenantId, s.userId) },
    { name: 'userIdentities.deleteForConnection', path: 'DELETE /api/v2/connections/{id}', run: (r, s) => r.userIdentities.deleteForConnection(s.tenantId, s.otherConnectionId) },

    // --- logs --------------------------------------------------------------------------------------
    { name: 'logs.search(page)', path: 'GET /api/v2/logs', run: (r, s) => r.logs.search(s.tenantId, { sort: { field: 'date', direction: 'desc' }, offset: 0, limit: 50 }) },
    {
      name: 'logs.search(type:f)',
      path: 'GET /api/v2/logs?q=type:f',
      run: (r, s) => r.logs.search(s.tenantId, { filter: { op: 'equals', field: 'type', value: 'f', ignoreCase: false }, sort: { field: 'date', direction: 'desc' }, offset: 0, limit: 50 }),
      deferred: 'walks the log newest first until a page matches: a few pages for a frequent type, the whole log for a rare one; (tenant_id, type, date, seq) would serve it at the cost of one more index on every log write (to be weighed with the token-endpoint measurements)',
    },
    { name: 'logs.count(type:f)', path: 'GET /api/v2/logs?q=type:f&include_totals=true', run: (r, s) => r.logs.count(s.tenantId, { op: 'equals', field: 'type', value: 'f', ignoreCase: false }, 1000) },
    { name: 'logs.search(user_id)', path: 'GET /api/v2/users/{id}/logs', run: (r, s) => r.logs.search(s.tenantId, { filter: { op: 'equals', field: 'user_id', value: s.userId, ignoreCase: false }, sort: { field: 'date', direction: 'desc' }, offset: 0, limit: 50 }) },
    { name: 'logs.count(user_id)', path: 'GET /api/v2/users/{id}/logs?include_totals=true', run: (r, s) => r.logs.count(s.tenantId, { op: 'equals', field: 'user_id', value: s.userId, ignoreCase: false }, 1000) },
    {
      name: 'logs.search(date range)',
      path: 'GET /api/v2/logs?q=date:[… TO …]',
      run: (r, s) => r.logs.search(s.tenantId, { filter: { op: 'range', field: 'date', lower: { value: s.logDate, inclusive: true } }, sort: { field: 'date', direction: 'desc' }, offset: 0, limit: 50 }),
    },
    { name: 'logs.findById', path: 'GET /api/v2/logs/{id}', run: (r, s) => r.logs.findById(s.tenantId, s.logId) },
    { name: 'logs.listAfter(from)', path: 'GET /api/v2/logs?from=…&take=100', run: (r, s) => r.logs.listAfter(s.tenantId, s.logId, 100), respond: (q) => (/select "seq" from "logs"/.test(q.sql) ? [{ seq: 1 }] : undefined) },
    { name: 'logs.listAfter(start)', path: 'GET /api/v2/logs?take=100', run: (r, s) => r.logs.listAfter(s.tenantId, undefined, 100) },

    // --- applications, APIs, grants -----------------------------------------------------------------
    { name: 'clients.findById', path: 'every token request (cache miss)', run: (r, s) => r.clients.findById(s.tenantId, s.clientId) },
    { name: 'clients.page', path: 'GET /api/v2/clients?page=…', run: (r, s) => r.clients.page(s.tenantId, undefined, { offset: 100, limit: 50 }) },
    { name: 'clients.page(app_type)', path: 'GET /api/v2/clients?app_type=non_interactive', run: (r, s) => r.clients.page(s.tenantId, ['non_interactive'], page), inherent: 'app_type has a handful of values: the tenant is read in list order until a page matches' },
    { name: 'clients.count', path: 'GET /api/v2/clients?include_totals=true', run: (r, s) => r.clients.count(s.tenantId, undefined), inherent: 'an exact total counts every application of the tenant (an index-only count)' },
    {
      name: 'clients.listAll',
      path: 'GET /api/v2/clients?is_first_party=… or is_global=…; CORS origins (cached per tenant)',
      run: (r, s) => r.clients.listAll(s.tenantId),
      inherent: 'filters on document fields are applied in memory over every application; CORS reads every allowed origin once per cache lifetime',
    },
    { name: 'clients.countThirdParty', path: 'POST /oidc/register (the cap of third-party applications)', run: (r, s) => r.clients.countThirdParty(s.tenantId), inherent: 'counts the tenant\'s third-party applications: an index-only count on clients_tenant_first_party' },
    { name: 'clients.idsNamed', path: 'Deploy CLI import by name', run: (r, s) => r.clients.idsNamed(s.tenantId, 'Bench App 1', 2) },
    { name: 'clientGrants.findFor', path: 'client_credentials (cache miss)', run: (r, s) => r.clientGrants.findFor(s.tenantId, s.clientId, s.audience, 'client') },
    { name: 'clientGrants.listAll(client)', path: 'GET /api/v2/client-grants?client_id=…', run: (r, s) => r.clientGrants.listAll(s.tenantId, { clientId: s.clientId }) },
    { name: 'clientGrants.listAll(audience)', path: 'GET /api/v2/client-grants?audience=…', run: (r, s) => r.clientGrants.listAll(s.tenantId, { audience: s.audience }) },
    { name: 'clientGrants.deleteForAudience', path: 'DELETE /api/v2/resource-servers/{id}', run: (r, s) => r.clientGrants.deleteForAudience(s.tenantId, s.audience) },
    { name: 'clientCredentials.listForClient', path: 'private_key_jwt, GET /api/v2/clients/{id}/credentials', run: (r, s) => r.clientCredentials.listForClient(s.tenantId, s.clientId) },
    { name: 'resourceServers.findByIdentifier', path: 'every token request for an API (cache miss)', run: (r, s) => r.resourceServers.findByIdentifier(s.tenantId, s.audience) },
    { name: 'resourceServers.findById', path: 'GET /api/v2/resource-servers/{id}', run: (r, s) => r.resourceServers.findById(s.tenantId, s.apiId) },
    { name: 'resourceServers.findSystem', path: 'Management API token checks (cache miss)', run: (r, s) => r.resourceServers.findSystem(s.tenantId) },
    { name: 'resourceServers.list', path: 'GET /api/v2/resource-servers', run: (r, s) => r.resourceServers.list(s.tenantId, page) },
    { name: 'resourceServers.count', path: 'GET /api/v2/resource-servers?include_totals=true', run: (r, s) => r.resourceServers.count(s.tenantId), inherent: 'an exact total counts every API of the tenant (an index-only count)' },
    { name: 'connections.findByName', path: 'every login (cache miss)', run: (r, s) => r.connections.findByName(s.tenantId, 'Username-Password-Authentication') },
    { name: 'connections.enabledClients', path: 'login page, connection answers', run: (r, s) => r.connections.enabledClients(s.tenantId, [s.connectionId]) },

    // --- roles and permissions ----------------------------------------------------------------------
    { name: 'roles.listUserRoles', path: 'GET /api/v2/users/{id}/roles', run: (r, s) => r.roles.listUserRoles(s.tenantId, s.userId, page) },
    { name: 'roles.countUserRoles', path: 'GET /api/v2/users/{id}/roles?include_totals=true', run: (r, s) => r.roles.countUserRoles(s.tenantId, s.userId) },
    { name: 'roles.listRoleUserIds(offset)', path: 'GET /api/v2/roles/{id}/users', run: (r, s) => r.roles.listRoleUserIds(s.tenantId, s.roleId, page) },
    { name: 'roles.listRoleUserIds(from)', path: 'GET /api/v2/roles/{id}/users?from=…&take=…', run: (r, s) => r.roles.listRoleUserIds(s.tenantId, s.roleId, { from: s.userId, limit: 50 }) },
    { name: 'roles.countRoleUsers', path: 'GET /api/v2/roles/{id}/users?include_totals=true', run: (r, s) => r.roles.countRoleUsers(s.tenantId, s.roleId), inherent: "an exact total counts every member of the role (an index-only count)" },
    { name: 'roles.listUserGrants', path: 'GET /api/v2/users/{id}/permissions', run: (r, s) => r.roles.listUserGrants(s.tenantId, s.userId) },
    { name: 'roles.effectivePermissionNames', path: 'every user token for an RBAC API', run: (r, s) => r.roles.effectivePermissionNames(s.tenantId, s.userId, s.audience) },
    { name: 'roles.removeUser', path: 'DELETE /api/v2/users/{id}', run: (r, s) => r.roles.removeUser(s.tenantId, s.userId) },
    { name: 'roles.delete', path: 'DELETE /api/v2/roles/{id}', run: (r, s) => r.roles.delete(s.tenantId, s.roleId) },
    { name: 'roles.removeApiPermissions', path: 'DELETE /api/v2/resource-servers/{id}', run: (r, s) => r.roles.removeApiPermissions(s.tenantId, s.audience) },

    // --- one-time artefacts, sessions, refresh tokens, consents --------------------------------------
    { name: 'ttlEntries.find', path: 'authorize transaction, code exchange, tickets', run: (r, s) => r.ttlEntries.find(s.tenantId, 'code', hash) },
    { name: 'ttlEntries.consume', path: 'code exchange', run: (r, s) => r.ttlEntries.consume(s.tenantId, 'code', hash, now) },
    { name: 'ttlEntries.deleteKind', path: 'a new one-of-a-kind secret', run: (r, s) => r.ttlEntries.deleteKind(s.tenantId, 'dashboard-setup') },
    { name: 'sessions.findByIdHash', path: 'every authorize with a session cookie', run: (r, s) => r.sessions.findByIdHash(s.tenantId, hash) },
    { name: 'sessions.touch', path: 'every authorize with a session cookie', run: (r, s) => r.sessions.touch(s.tenantId, hash, now, now, {}) },
    { name: 'sessions.revokeBySid', path: 'logout by sid, back-channel', run: (r, s) => r.sessions.revokeBySid(s.tenantId, 'sid', now) },
    { name: 'sessions.listSidsForUser', path: 'user blocked or deleted (back-channel logout)', run: (r, s) => r.sessions.listSidsForUser(s.tenantId, s.userId) },
    { name: 'sessions.revokeForUser', path: 'DELETE /api/v2/users/{id}/sessions, user blocked', run: (r, s) => r.sessions.revokeForUser(s.tenantId, s.userId, now) },
    { name: 'refreshTokens.findByHash', path: 'refresh_token grant, revoke', run: (r, s) => r.refreshTokens.findByHash(s.tenantId, hash) },
    { name: 'refreshTokens.markRotated', path: 'refresh_token grant (rotation)', run: (r, s) => r.refreshTokens.markRotated(s.tenantId, 'id', now) },
    { name: 'refreshTokens.revokeFamily', path: 'refresh token reuse', run: (r, s) => r.refreshTokens.revokeFamily(s.tenantId, 'family', now) },
    { name: 'refreshTokens.revokeWhere(user)', path: 'user blocked, deleted or password changed', run: (r, s) => r.refreshTokens.revokeWhere(s.tenantId, { userId: s.userId }, now) },
    { name: 'refreshTokens.revokeWhere(user, client)', path: 'DELETE /api/v2/grants/{id}, consent revoked', run: (r, s) => r.refreshTokens.revokeWhere(s.tenantId, { userId: s.userId, clientId: s.clientId }, now) },
    { name: 'refreshTokens.revokeWhere(client)', path: 'DELETE /api/v2/clients/{id}', run: (r, s) => r.refreshTokens.revokeWhere(s.tenantId, { clientId: s.clientId }, now) },
    { name: 'refreshTokens.revokeWhere(code)', path: 'authorization code replayed', run: (r, s) => r.refreshTokens.revokeWhere(s.tenantId, { codeHash: hash }, now) },
    { name: 'userGrants.find', path: 'authorize (consent)', run: (r, s) => r.userGrants.find(s.tenantId, s.userId, s.clientId, s.audience) },
    { name: 'userGrants.list(user)', path: 'GET /api/v2/grants?user_id=…', run: (r, s) => r.userGrants.list(s.tenantId, { userId: s.userId }) },
    { name: 'userGrants.list(client)', path: 'GET /api/v2/grants?client_id=…', run: (r, s) => r.userGrants.list(s.tenantId, { clientId: s.clientId }) },
    { name: 'userGrants.deleteWhere(client)', path: 'DELETE /api/v2/clients/{id}', run: (r, s) => r.userGrants.deleteWhere(s.tenantId, { clientId: s.clientId }) },

    // --- attack protection, passwordless ------------------------------------------------------------
    { name: 'attackProtection.listFailures', path: 'GET /api/v2/user-blocks?identifier=…', run: (r, s) => r.attackProtection.listFailures(s.tenantId, { identifiers: [s.email], minFailures: 10, since: now }) },
    { name: 'attackProtection.deleteFailures', path: 'DELETE /api/v2/user-blocks, password reset', run: (r, s) => r.attackProtection.deleteFailures(s.tenantId, { identifiers: [s.email] }) },
    { name: 'attackProtection.findBucket', path: 'suspicious IP throttling', run: (r, s) => r.attackProtection.findBucket(s.tenantId, 'ip', '10.0.0.1') },
    { name: 'passwordlessCodes.find', path: 'passwordless code check', run: (r, s) => r.passwordlessCodes.find(s.tenantId, s.connectionId, s.email) },

    // --- the sweeper (across tenants, bounded batches) ----------------------------------------------
    { name: 'expiredRows.ttlEntries', path: 'sweeper', run: (r) => r.expiredRows.ttlEntries(now, 500) },
    { name: 'expiredRows.sessions', path: 'sweeper', run: (r) => r.expiredRows.sessions(now, 500) },
    { name: 'expiredRows.refreshTokens', path: 'sweeper', run: (r) => r.expiredRows.refreshTokens(now, 500) },
    { name: 'expiredRows.loginFailures', path: 'sweeper', run: (r) => r.expiredRows.loginFailures(dayAgo, 500) },
  ];
}
