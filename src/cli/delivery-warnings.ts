/**
 * What the operator must hear at start about outgoing messages: without SMTP_URL (or an SMS
 * provider) they land in the development outbox, which holds live password reset links; in
 * production (`NODE_ENV=production`) nothing is stored and such sends fail.
 */
import type { Config } from '../config/config.js';

export function deliveryWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.smtp) {
    warnings.push(
      config.production
        ? 'SMTP_URL is not set and NODE_ENV=production: emails (password reset, verification, passwordless) cannot be sent and each attempt fails.'
        : 'SMTP_URL is not set: emails (password reset links...) are stored in the development outbox (GET /api/v2/tessera/outbox, scope read:dev_outbox) instead of being sent. Set SMTP_URL for any real deployment.',
    );
  }
  if (!config.twilio) {
    warnings.push(
      config.production
        ? 'No SMS provider (SMS_TWILIO_*) and NODE_ENV=production: passwordless text messages cannot be sent and each attempt fails.'
        : 'No SMS provider (SMS_TWILIO_*): passwordless text messages are stored in the development outbox instead of being sent.',
    );
  }
  return warnings;
}
