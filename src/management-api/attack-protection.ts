/**
 * `GET/PATCH /api/v2/attack-protection/{brute-force-protection,suspicious-ip-throttling,breached-password-detection}`:
 * Auth0's attack protection settings, with its field names, enums and limits. Allowlist entries
 * must be IPv4/IPv6 addresses or CIDR ranges (checked by the domain, which names the bad entry).
 */
import { Type, type TSchema } from '@sinclair/typebox';
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
  type AttackProtectionFeature,
} from '../domain/attack-protection/settings.js';
import { OneOf } from './schema.js';
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

const FEATURES: Array<{ path: string; feature: AttackProtectionFeature; body: TSchema }> = [
  { path: '/attack-protection/brute-force-protection', feature: 'brute_force_protection', body: BruteForcePatch },
  { path: '/attack-protection/suspicious-ip-throttling', feature: 'suspicious_ip_throttling', body: SuspiciousIpPatch },
  { path: '/attack-protection/breached-password-detection', feature: 'breached_password_detection', body: BreachedPasswordPatch },
];

export const attackProtectionRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  for (const { path, feature, body } of FEATURES) {
    app.get(path, { config: anyOf('read:attack_protection') }, async (request) => (await services.attackProtection.settings(request.tenant.id))[feature]);
    app.patch(path, { config: anyOf('update:attack_protection'), schema: { body } }, async (request) =>
      services.attackProtection.update(request.tenant.id, feature, request.body as Record<string, unknown>),
    );
  }
};
