/**
 * `GET/PATCH /api/v2/attack-protection/{brute-force-protection,suspicious-ip-throttling,breached-password-detection}`:
 * Auth0's attack protection settings, with its field names, enums and limits. Allowlist entries
 * must be IPv4/IPv6 addresses or CIDR ranges (checked by the domain, which names the bad entry).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import {
  ADMIN_NOTIFICATION_FREQUENCIES,
  BREACHED_PASSWORD_METHODS,
  BREACHED_PASSWORD_SHIELDS,
  BREACHED_PASSWORD_STAGE_SHIELDS,
  BRUTE_FORCE_MODES,
  BRUTE_FORCE_SHIELDS,
  LIMITS,
  SUSPICIOUS_IP_SHIELDS,
  type BreachedPasswordDetection,
  type BruteForceProtection,
  type SuspiciousIpThrottling,
} from '../domain/attack-protection/settings.js';
import { OneOf, type DeclaresAll } from './schema.js';
import { anyOf } from './scopes.js';

const strict = <T extends Record<string, TSchema>>(properties: T) => Type.Object(properties, { additionalProperties: false });
const Integer = (range: { min: number; max: number }) => Type.Integer({ minimum: range.min, maximum: range.max });
const List = <T extends readonly string[]>(values: T) => Type.Array(OneOf(values), { maxItems: values.length * 2 });
/** An IPv4/IPv6 address or CIDR range; the exact form is checked by the domain. */
const Allowlist = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: LIMITS.allowlistSize });

const ThrottlingStage = (limits: { maxAttempts: { min: number; max: number }; rate: { min: number; max: number } }) =>
  strict({ max_attempts: Type.Optional(Integer(limits.maxAttempts)), rate: Type.Optional(Integer(limits.rate)) });

const BruteForcePatch = strict({
  enabled: Type.Optional(Type.Boolean()),
  shields: Type.Optional(List(BRUTE_FORCE_SHIELDS)),
  allowlist: Type.Optional(Allowlist),
  mode: Type.Optional(OneOf(BRUTE_FORCE_MODES)),
  max_attempts: Type.Optional(Integer(LIMITS.bruteForceMaxAttempts)),
});

const SuspiciousIpPatch = strict({
  enabled: Type.Optional(Type.Boolean()),
  shields: Type.Optional(List(SUSPICIOUS_IP_SHIELDS)),
  allowlist: Type.Optional(Allowlist),
  stage: Type.Optional(
    strict({
      'pre-login': Type.Optional(ThrottlingStage(LIMITS.preLogin)),
      'pre-user-registration': Type.Optional(ThrottlingStage(LIMITS.preUserRegistration)),
    }),
  ),
});

const StageShields = strict({ shields: Type.Optional(List(BREACHED_PASSWORD_STAGE_SHIELDS)) });

const BreachedPasswordPatch = strict({
  enabled: Type.Optional(Type.Boolean()),
  shields: Type.Optional(List(BREACHED_PASSWORD_SHIELDS)),
  admin_notification_frequency: Type.Optional(List(ADMIN_NOTIFICATION_FREQUENCIES)),
  method: Type.Optional(OneOf(BREACHED_PASSWORD_METHODS)),
  stage: Type.Optional(strict({ 'pre-user-registration': Type.Optional(StageShields), 'pre-change-password': Type.Optional(StageShields) })),
});

// --- responses: the effective settings, every field, in the order of the defaults (settings.ts) ---

const BruteForceResponse = Type.Object({
  enabled: Type.Boolean(),
  shields: Type.Array(OneOf(BRUTE_FORCE_SHIELDS)),
  mode: OneOf(BRUTE_FORCE_MODES),
  allowlist: Type.Array(Type.String()),
  max_attempts: Type.Integer(),
});
const _bruteForceDeclared: DeclaresAll<BruteForceProtection, Static<typeof BruteForceResponse>> = true;

const StageResponse = Type.Object({ max_attempts: Type.Integer(), rate: Type.Integer() });
const SuspiciousIpResponse = Type.Object({
  enabled: Type.Boolean(),
  shields: Type.Array(OneOf(SUSPICIOUS_IP_SHIELDS)),
  allowlist: Type.Array(Type.String()),
  stage: Type.Object({ 'pre-login': StageResponse, 'pre-user-registration': StageResponse }),
});
const _suspiciousIpDeclared: DeclaresAll<SuspiciousIpThrottling, Static<typeof SuspiciousIpResponse>> = true;

const StageShieldsResponse = Type.Object({ shields: Type.Array(OneOf(BREACHED_PASSWORD_STAGE_SHIELDS)) });
const BreachedPasswordResponse = Type.Object({
  enabled: Type.Boolean(),
  shields: Type.Array(OneOf(BREACHED_PASSWORD_SHIELDS)),
  admin_notification_frequency: Type.Array(OneOf(ADMIN_NOTIFICATION_FREQUENCIES)),
  method: OneOf(BREACHED_PASSWORD_METHODS),
  stage: Type.Object({ 'pre-user-registration': StageShieldsResponse, 'pre-change-password': StageShieldsResponse }),
});
const _breachedPasswordDeclared: DeclaresAll<BreachedPasswordDetection, Static<typeof BreachedPasswordResponse>> = true;

const read = anyOf('read:attack_protection');
const update = anyOf('update:attack_protection');

export const attackProtectionRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const settings = services.attackProtection;

  const bruteForce = '/attack-protection/brute-force-protection';
  app.get(bruteForce, { config: read, schema: { response: { 200: BruteForceResponse } } }, async (request) => (await settings.settings(request.tenant.id)).brute_force_protection);
  app.patch(bruteForce, { config: update, schema: { body: BruteForcePatch, response: { 200: BruteForceResponse } } }, async (request) =>
    settings.update(request.tenant.id, 'brute_force_protection', request.body),
  );

  const suspiciousIp = '/attack-protection/suspicious-ip-throttling';
  app.get(suspiciousIp, { config: read, schema: { response: { 200: SuspiciousIpResponse } } }, async (request) => (await settings.settings(request.tenant.id)).suspicious_ip_throttling);
  app.patch(suspiciousIp, { config: update, schema: { body: SuspiciousIpPatch, response: { 200: SuspiciousIpResponse } } }, async (request) =>
    settings.update(request.tenant.id, 'suspicious_ip_throttling', request.body),
  );

  const breachedPassword = '/attack-protection/breached-password-detection';
  app.get(breachedPassword, { config: read, schema: { response: { 200: BreachedPasswordResponse } } }, async (request) => (await settings.settings(request.tenant.id)).breached_password_detection);
  app.patch(breachedPassword, { config: update, schema: { body: BreachedPasswordPatch, response: { 200: BreachedPasswordResponse } } }, async (request) =>
    settings.update(request.tenant.id, 'breached_password_detection', request.body),
  );
};
