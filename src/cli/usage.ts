/** The CLI's usage line, and the error that makes index.ts print it (exit code 64, EX_USAGE). */
export const USAGE = `usage: tessera <start | migrate | tenants create NAME | tenants list | tenants delete NAME | tenants add-domain NAME DOMAIN | admin setup-link | admin reset-password EMAIL | stats rebuild [--from YYYY-MM-DD] [--tenant NAME] | dev-cert [--force]>`;

export class UsageError extends Error {}
