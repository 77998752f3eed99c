/**
 * Requesting an authentication context class (OpenID Connect Core §3.1.2.1 `acr_values`, §5.5 the
 * `claims` parameter's `id_token.acr`, §5.5.1.1) and what Tessera asserts in answer.
 *
 * Tessera has no step-up and no MFA, so it cannot measure a context class per login: it asserts a
 * requested value only when the tenant lists it in `acr_values_supported` — the tenant's statement
 * that every login method enabled for its applications (password, email or SMS passwordless, an SSO
 * session) meets that class, as Auth0 asserts a listed value — and never a value it does not list
 * (a value removed later is no longer asserted, refresh tokens included), nor one naming a
 * multi-factor policy (refused in the tenant setting, and left out of the tenant's assertable list
 * for a value stored before the refusal). Nothing is asserted when nothing was asked.
 *  - `acr_values` asks voluntarily, in order of preference: the first listed value is asserted, or none.
 *  - `claims` `{"id_token":{"acr":{"value"|"values":…, "essential":true|false}}}`: the first listed
 *    value (essential with no values: the `acr_values` choice or the tenant's first value); essential
 *    and none assertable is a failed authentication (§5.5.1.1), answered `access_denied`
 *    before anyone is asked to log in, since no login here could ever satisfy it.
 * Both are bounded (size, nesting, count, length): they arrive from anyone, in URLs.
 */

/** The PAPE policies that mean "multi-factor": asserting them without performing MFA would be a lie. */
export const MULTI_FACTOR_ACR_VALUES: ReadonlySet<string> = new Set([
  'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
  'http://schemas.openid.net/pape/policies/2007/06/multi-factor-physical',
]);

export const MAX_CLAIMS_PARAMETER_BYTES = 4096;
/** `{"id_token":{"acr":{"values":["…"]}}}` is four levels deep; one more for members Tessera ignores. */
const MAX_CLAIMS_DEPTH = 5;
const MAX_ACR_VALUES = 20;
const MAX_ACR_LENGTH = 255;

/** A malformed `claims` or `acr_values`: `invalid_request` with this description. */
export class AcrRequestError extends Error {}

/** What the request asks for, in order of preference; `essential` only from `claims`. */
export interface AcrRequest {
  claimValues: readonly string[];
  /** `id_token.acr` was present in `claims` (null, or an object). */
  claimRequested: boolean;
  essential: boolean;
  acrValues: readonly string[];
}

function depthOf(value: unknown, depth = 0): number {
  if (value === null || typeof value !== 'object') return depth;
  let deepest = depth + 1;
  for (const member of Object.values(value as Record<string, unknown>)) {
    deepest = Math.max(deepest, depthOf(member, depth + 1));
    if (deepest > MAX_CLAIMS_DEPTH) return deepest;
  }
  return deepest;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function acrValue(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_ACR_LENGTH) throw new AcrRequestError(`${where} must be a non-empty string of at most ${MAX_ACR_LENGTH} characters`);
  return value;
}

/** The `claims` parameter (a JSON object, bounded); its `id_token.acr` member read, the rest checked for shape only. */
function readClaims(raw: string): Pick<AcrRequest, 'claimValues' | 'claimRequested' | 'essential'> {
  if (Buffer.byteLength(raw) > MAX_CLAIMS_PARAMETER_BYTES) throw new AcrRequestError(`claims must be at most ${MAX_CLAIMS_PARAMETER_BYTES} bytes`);
  let claims: unknown;
  try {
    claims = JSON.parse(raw);
  } catch {
    throw new AcrRequestError('claims must be a JSON object');
  }
  if (!isObject(claims)) throw new AcrRequestError('claims must be a JSON object');
  if (depthOf(claims) > MAX_CLAIMS_DEPTH) throw new AcrRequestError(`claims must be nested at most ${MAX_CLAIMS_DEPTH} levels deep`);
  for (const target of ['id_token', 'userinfo'] as const) {
    const member = claims[target];
    if (member === undefined) continue;
    if (!isObject(member)) throw new AcrRequestError(`claims.${target} must be a JSON object`);
    // §5.5.1: a sub value may be answered only for that very user; Tessera does not take the condition.
    const sub = member.sub;
    if (isObject(sub) && (sub.value !== undefined || sub.values !== undefined)) throw new AcrRequestError(`claims.${target}.sub with a value is not supported`);
  }
  const idToken = claims.id_token;
  if (!isObject(idToken) || !Object.hasOwn(idToken, 'acr')) return { claimValues: [], claimRequested: false, essential: false };
  const acr = idToken.acr;
  if (acr === null) return { claimValues: [], claimRequested: true, essential: false };
  if (!isObject(acr)) throw new AcrRequestError('claims.id_token.acr must be null or a JSON object');
  if (acr.essential !== undefined && typeof acr.essential !== 'boolean') throw new AcrRequestError('claims.id_token.acr.essential must be a boolean');
  const values: string[] = [];
  if (acr.value !== undefined) values.push(acrValue(acr.value, 'claims.id_token.acr.value'));
  if (acr.values !== undefined) {
    if (!Array.isArray(acr.values) || acr.values.length === 0 || acr.values.length > MAX_ACR_VALUES) {
      throw new AcrRequestError(`claims.id_token.acr.values must be an array of 1 to ${MAX_ACR_VALUES} strings`);
    }
    values.push(...acr.values.map((value) => acrValue(value, 'claims.id_token.acr.values[]')));
  }
  return { claimValues: values, claimRequested: true, essential: acr.essential === true };
}

function readAcrValues(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const values = raw.split(' ').filter(Boolean);
  if (values.length > MAX_ACR_VALUES) throw new AcrRequestError(`acr_values must name at most ${MAX_ACR_VALUES} values`);
  return values.map((value) => acrValue(value, 'each of acr_values'));
}

/** Reads `acr_values` and `claims`; throws AcrRequestError when either is malformed. */
export function readAcrRequest(params: Readonly<Record<string, string>>): AcrRequest {
  const fromClaims = params.claims !== undefined ? readClaims(params.claims) : { claimValues: [], claimRequested: false, essential: false };
  return { ...fromClaims, acrValues: readAcrValues(params.acr_values) };
}

/** The value Tessera may assert from `supported` (the tenant's list, multi-factor policies never). */
const assertable = (supported: readonly string[]) => (value: string) => supported.includes(value) && !MULTI_FACTOR_ACR_VALUES.has(value);

export type AcrOutcome = { acr?: string } | { unmet: true };

/**
 * What the ID token asserts for `request`: the first requested value the tenant lists — the
 * `claims` values before `acr_values` (the claims request is the more specific) — or nothing; `unmet`
 * when `claims` asked for acr as essential and no asked value (or, asking for none, no value at
 * all) can be asserted.
 */
export function resolveAcr(request: AcrRequest, supported: readonly string[]): AcrOutcome {
  const allowed = assertable(supported);
  const fromClaims = request.claimValues.find(allowed);
  if (request.essential) {
    // Essential with values: one of them. Without values (§5.5.1.1 only asks that an acr be
    // returned): the acr_values choice, else the tenant's first assertable value.
    const chosen = request.claimValues.length > 0 ? fromClaims : (request.acrValues.find(allowed) ?? supported.find(allowed));
    return chosen !== undefined ? { acr: chosen } : { unmet: true };
  }
  const chosen = fromClaims ?? request.acrValues.find(allowed);
  return chosen !== undefined ? { acr: chosen } : {};
}
