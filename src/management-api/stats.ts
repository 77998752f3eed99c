/**
 * `/api/v2/stats`: a tenant's daily activity and its active users, as Auth0 answers them (the SDKs'
 * `stats.getDaily` and `stats.getActiveUsersCount`), read from the rows the background aggregator
 * writes for closed days (domain/stats/); and `/api/v2/tessera/stats/totals`, a TESSERA EXTENSION
 * (like `/tessera/outbox`): live counts of the tenant's users, applications, APIs and connections,
 * so that the dashboard's Activity page needs `read:stats` only, not the right to read users.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import type { DailyStats, TenantTotals } from '../domain/stats/stats-service.js';
import type { DeclaresAll } from './schema.js';
import { anyOf } from './scopes.js';

/** Checked by the stats service (a real calendar day), so that every wrong date gets the same message; bounded here. */
const CompactDay = (description: string) => Type.String({ maxLength: 32, description });

const DailyQuery = Type.Object({
  from: Type.Optional(CompactDay('First day of the range (inclusive), YYYYMMDD, UTC. Default: 29 days before `to`.')),
  to: Type.Optional(CompactDay('Last day of the range (inclusive), YYYYMMDD, UTC. Default: yesterday. At most 366 days from `from`.')),
});

const count = (description: string) => Type.Integer({ description });

/** Auth0's `DailyStats` in its order, then Tessera's extensions (Auth0's type accepts extra properties). */
const DailyStatsResponse = Type.Object(
  {
    date: Type.String({ description: 'The day (UTC), as its midnight in ISO 8601.' }),
    logins: count('Successful logins (`s`).'),
    signups: count('Sign-ups (`ss`).'),
    leaked_passwords: count('Breached passwords detected (`pwd_leak`).'),
    updated_at: Type.String({ description: "When the day's numbers were last computed." }),
    created_at: Type.String({ description: "When the day's first counted event happened (its midnight if none did)." }),
    failed_logins: count('Tessera extension: failed logins (`f`, `fp`, `fu`).'),
    active_users: count('Tessera extension: distinct users with a successful login or token exchange that day.'),
    users_total: count('Tessera extension: users that existed at the end of the day (and still exist).'),
    attack_protection: count('Tessera extension: attack-protection events (`limit_wc`, `limit_mu`, `limit_sul`).'),
  },
  { description: 'One closed day. Days are aggregated a few minutes after they end; today never appears.' },
);
const _dailyDeclared: DeclaresAll<DailyStats, Static<typeof DailyStatsResponse>> = true;

const ActiveUsersResponse = Type.Integer({ description: 'Users with a successful login or token exchange in the 30 days up to yesterday (UTC).' });

const TotalsResponse = Type.Object(
  {
    users: count('Users.'),
    applications: count('Applications.'),
    apis: count('APIs, the Management API included.'),
    connections: count('Connections.'),
  },
  { description: 'Tessera extension: what the tenant holds now.' },
);
const _totalsDeclared: DeclaresAll<TenantTotals, Static<typeof TotalsResponse>> = true;

export const statsRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/stats/daily', { config: anyOf('read:stats'), schema: { querystring: DailyQuery, response: { 200: Type.Array(DailyStatsResponse) } } }, async (request) => {
    return services.stats.daily(request.tenant.id, request.query);
  });

  app.get('/stats/active-users', { config: anyOf('read:stats'), schema: { response: { 200: ActiveUsersResponse } } }, async (request) => {
    return services.stats.activeUsers(request.tenant.id);
  });

  app.get('/tessera/stats/totals', { config: anyOf('read:stats'), schema: { response: { 200: TotalsResponse } } }, async (request) => {
    return services.stats.totals(request.tenant.id);
  });
};
