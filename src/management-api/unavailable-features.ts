/**
 * The Management API routes of Auth0 features Tessera does not have, answered the way Auth0 answers
 * a tenant without the feature, so that Auth0's tooling (the Deploy CLI above all, which calls many
 * of them even for what it is asked to skip) can tell "nothing to do" from a failure:
 *
 * - where "none exist" is simply true (no actions, no log streams, no organizations), a read answers
 *   the empty list in Auth0's response shape;
 * - where the feature itself is absent, every read answers Auth0's 403 `feature_not_enabled`
 *   ("This feature is not enabled for this tenant."), followed by the feature's name and why;
 * - a write never succeeds silently: it answers the same 403, naming the feature.
 *
 * Each route still needs a valid Management API token with the route's Auth0 scope (the same scope
 * Auth0 asks for), so an answer reveals nothing to a caller who could not read the real thing.
 * Fastify matches a concrete route before a wildcard, so a feature that gets implemented registers
 * its routes in its own module and deletes its entry here. docs/deploy-cli.md lists every answer.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ManagementApiError } from '../http/errors.js';
import { anyOf } from './scopes.js';

/** What a read of one path answers. */
type ReadAnswer = (request: FastifyRequest) => unknown;

interface UnavailableFeature {
  /** The feature's name, as a person reads it in the error. */
  name: string;
  /** Why, or what Tessera offers instead; ends the error message. */
  reason: string;
  /** Route prefixes (Fastify syntax) the feature owns: the prefix itself and everything under it. */
  prefixes: string[];
  /** Auth0's scopes for reading and for each kind of write. */
  scopes: { read: string; create: string; update: string; delete: string };
  /** Paths (exact, Fastify syntax) whose read answers something else (an empty list, Auth0's "none configured"); every other read is refused. */
  reads?: Record<string, ReadAnswer>;
}

const crud = (resource: string) => ({ read: `read:${resource}`, create: `create:${resource}`, update: `update:${resource}`, delete: `delete:${resource}` });
/** Settings-like resources: Auth0 asks for one scope to read and one for any change. */
const readUpdate = (read: string, update: string, remove = update) => ({ read, create: update, update, delete: remove });
const ATTACK_PROTECTION_SCOPES = readUpdate('read:attack_protection', 'update:attack_protection');

/** A paging parameter echoed back: a small non-negative integer, or the default (these lists are empty whatever it is). */
const pagingParam = (value: string | undefined, fallback: number): number => {
  const number = Number(value);
  return value !== undefined && Number.isInteger(number) && number >= 0 && number <= 1000 ? number : fallback;
};

/** Auth0's page-numbered list: a bare array, or `{ key, start, limit, total }` with include_totals. */
const emptyOffsetList =
  (key: string): ReadAnswer =>
  (request) => {
    const query = request.query as Record<string, string | undefined>;
    if (query.include_totals !== 'true') return [];
    return { [key]: [], start: 0, limit: pagingParam(query.per_page, 50), total: 0 };
  };

/** Auth0's checkpoint list (`take`/`from`), or its page-numbered one without them. */
const emptyOffsetOrCheckpointList =
  (key: string): ReadAnswer =>
  (request) => {
    const query = request.query as Record<string, string | undefined>;
    return query.take !== undefined || query.from !== undefined ? { [key]: [] } : emptyOffsetList(key)(request);
  };

/** The Actions API's list shape: always `{ key, total, page, per_page }`. */
const emptyActionsList =
  (key: string): ReadAnswer =>
  (request) => {
    const query = request.query as Record<string, string | undefined>;
    return { [key]: [], total: 0, page: pagingParam(query.page, 0), per_page: pagingParam(query.per_page, 50) };
  };

const NO_CUSTOM_CODE = 'Tessera runs no custom code (actions, rules or hooks)';

export const UNAVAILABLE_FEATURES: readonly UnavailableFeature[] = [
  {
    name: 'Actions',
    reason: NO_CUSTOM_CODE,
    prefixes: ['/actions'],
    scopes: crud('actions'),
    reads: { '/actions/actions': emptyActionsList('actions'), '/actions/triggers': () => ({ triggers: [] }) },
  },
  { name: 'Rules', reason: `a deprecated feature; ${NO_CUSTOM_CODE}`, prefixes: ['/rules'], scopes: crud('rules') },
  { name: 'Rules configs', reason: `a deprecated feature; ${NO_CUSTOM_CODE}`, prefixes: ['/rules-configs'], scopes: readUpdate('read:rules_configs', 'update:rules_configs', 'delete:rules_configs') },
  { name: 'Hooks', reason: `a deprecated feature; ${NO_CUSTOM_CODE}`, prefixes: ['/hooks'], scopes: crud('hooks') },
  {
    name: 'Log streams',
    reason: 'read the tenant logs with GET /api/v2/logs instead',
    prefixes: ['/log-streams'],
    scopes: crud('log_streams'),
    reads: { '/log-streams': () => [] },
  },
  {
    name: 'Organizations',
    reason: 'not implemented in this version',
    prefixes: ['/organizations'],
    scopes: crud('organizations'),
    reads: { '/organizations': emptyOffsetOrCheckpointList('organizations') },
  },
  {
    name: 'Multi-factor authentication',
    reason: 'not implemented in this version',
    prefixes: ['/guardian'],
    scopes: readUpdate('read:guardian_factors', 'update:guardian_factors'),
  },
  {
    name: 'Email provider settings',
    reason: "Tessera sends email through the server's own SMTP configuration",
    prefixes: ['/emails'],
    scopes: crud('email_provider'),
    // Auth0's answer for a tenant on its built-in email delivery, which is Tessera's case.
    reads: {
      '/emails/provider': () => {
        throw new ManagementApiError(404, 'There is no configured email provider', 'inexistent_email_provider');
      },
    },
  },
  {
    name: 'Directory provisioning',
    reason: 'not implemented in this version',
    prefixes: ['/connections-directory-provisionings', '/connections/:id/directory-provisioning'],
    scopes: readUpdate('read:connections', 'update:connections'),
  },
  { name: 'Email templates', reason: 'Tessera sends its built-in templates', prefixes: ['/email-templates'], scopes: crud('email_templates') },
  {
    name: 'Universal Login themes and page templates',
    reason: 'the hosted pages take their look from /api/v2/branding',
    prefixes: ['/branding/themes', '/branding/templates'],
    scopes: readUpdate('read:branding', 'update:branding', 'delete:branding'),
  },
  {
    name: 'Phone providers and templates',
    reason: "Tessera sends SMS through the server's own provider configuration",
    prefixes: ['/branding/phone'],
    scopes: crud('phone_providers'),
  },
  { name: 'Prompts and custom text', reason: 'not implemented in this version', prefixes: ['/prompts'], scopes: readUpdate('read:prompts', 'update:prompts') },
  { name: 'Forms', reason: NO_CUSTOM_CODE, prefixes: ['/forms'], scopes: crud('forms') },
  { name: 'Flows', reason: NO_CUSTOM_CODE, prefixes: ['/flows'], scopes: crud('flows') },
  { name: 'Self-service profiles', reason: 'not implemented in this version', prefixes: ['/self-service-profiles'], scopes: crud('self_service_profiles') },
  { name: 'Tenant access control lists', reason: 'not implemented in this version', prefixes: ['/network-acls'], scopes: crud('network_acls') },
  { name: 'Event streams', reason: 'not implemented in this version', prefixes: ['/event-streams'], scopes: crud('event_streams') },
  { name: 'Token exchange profiles', reason: NO_CUSTOM_CODE, prefixes: ['/token-exchange-profiles'], scopes: crud('token_exchange_profiles') },
  { name: 'User attribute profiles', reason: 'not implemented in this version', prefixes: ['/user-attribute-profiles'], scopes: crud('user_attribute_profiles') },
  { name: 'Connection profiles', reason: 'not implemented in this version', prefixes: ['/connection-profiles'], scopes: crud('connection_profiles') },
  { name: 'Rate limit policies', reason: 'the rate limits are the server configuration', prefixes: ['/rate-limit-policies'], scopes: readUpdate('read:limits', 'update:limits') },
  {
    // Auth0 counts these among attack protection and asks for its scopes.
    name: 'Bot detection',
    reason: 'not implemented in this version',
    prefixes: ['/attack-protection/bot-detection'],
    scopes: ATTACK_PROTECTION_SCOPES,
  },
  {
    name: 'CAPTCHA',
    reason: 'not implemented in this version',
    prefixes: ['/attack-protection/captcha'],
    scopes: ATTACK_PROTECTION_SCOPES,
  },
  {
    name: 'Risk assessment',
    reason: 'not implemented in this version',
    prefixes: ['/risk-assessments'],
    scopes: ATTACK_PROTECTION_SCOPES,
  },
  {
    name: 'Supplemental signals',
    reason: 'not implemented in this version',
    prefixes: ['/supplemental-signals'],
    scopes: ATTACK_PROTECTION_SCOPES,
  },
];

/** Auth0's answer to a tenant without the feature, naming it. */
export const featureNotEnabled = (feature: UnavailableFeature): ManagementApiError =>
  new ManagementApiError(403, `This feature is not enabled for this tenant: ${feature.name} (${feature.reason}).`, 'feature_not_enabled');

/** Route config: the feature's scope, and no place in the OpenAPI document (which describes what Tessera implements). */
const configOf = (scope: string) => ({ ...anyOf(scope), unavailableFeature: true });

export const unavailableFeatureRoutes: FastifyPluginAsync = async (app) => {
  for (const feature of UNAVAILABLE_FEATURES) {
    const refuse = async (): Promise<never> => {
      throw featureNotEnabled(feature);
    };
    const reads = feature.reads ?? {};
    for (const [path, answer] of Object.entries(reads)) {
      app.get(path, { config: configOf(feature.scopes.read) }, async (request) => answer(request));
    }
    for (const prefix of feature.prefixes) {
      for (const url of [prefix, `${prefix}/*`]) {
        if (!(url in reads)) app.get(url, { config: configOf(feature.scopes.read) }, refuse);
        app.post(url, { config: configOf(feature.scopes.create) }, refuse);
        app.patch(url, { config: configOf(feature.scopes.update) }, refuse);
        app.put(url, { config: configOf(feature.scopes.update) }, refuse);
        app.delete(url, { config: configOf(feature.scopes.delete) }, refuse);
      }
    }
  }
};
