/** `GET/PATCH /api/v2/attack-protection/{feature}` through React Query, one query per feature. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TenantApi } from '../../api/tenant-api';
import type { paths } from '../../api/generated/management';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Get<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } } ? Json<R> : never;
type Patch<P extends keyof paths> = paths[P] extends { patch: { requestBody: infer B } } ? Json<B> : never;

const BRUTE = '/api/v2/attack-protection/brute-force-protection';
const SUSPICIOUS = '/api/v2/attack-protection/suspicious-ip-throttling';
const BREACHED = '/api/v2/attack-protection/breached-password-detection';

export type BruteForce = Get<typeof BRUTE>;
export type BruteForcePatch = Patch<typeof BRUTE>;
export type SuspiciousIp = Get<typeof SUSPICIOUS>;
export type SuspiciousIpPatch = Patch<typeof SUSPICIOUS>;
export type BreachedPassword = Get<typeof BREACHED>;
export type BreachedPasswordPatch = Patch<typeof BREACHED>;

export type Feature = 'brute-force-protection' | 'suspicious-ip-throttling' | 'breached-password-detection';
interface Shapes {
  'brute-force-protection': { value: BruteForce; patch: BruteForcePatch };
  'suspicious-ip-throttling': { value: SuspiciousIp; patch: SuspiciousIpPatch };
  'breached-password-detection': { value: BreachedPassword; patch: BreachedPasswordPatch };
}

const featureKey = (tenant: string, feature: Feature) => ['tenant', tenant, 'attack-protection', feature] as const;

export function useAttackProtection<F extends Feature>(api: TenantApi, feature: F) {
  return useQuery({ queryKey: featureKey(api.tenant, feature), queryFn: () => api.get<Shapes[F]['value']>(`/attack-protection/${feature}`) });
}

export function useUpdateAttackProtection<F extends Feature>(api: TenantApi, feature: F) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Shapes[F]['patch']) => api.patch<Shapes[F]['value']>(`/attack-protection/${feature}`, patch),
    onSuccess: (value) => queryClient.setQueryData(featureKey(api.tenant, feature), value),
  });
}
