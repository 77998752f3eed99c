/**
 * Which form field a Management API 400 is about, so the screen shows it on that field. The API
 * names the field in one of two ways: schema errors end "… on property {path}." (server/errors.ts),
 * and the settings rules start with the field ("session_lifetime must be …", "Payload validation
 * error: default_directory: …"). Pure: unit-tested in test/unit/dashboard-settings.test.ts.
 */
export function fieldOfError(message: string | undefined, fields: readonly string[]): string | undefined {
  if (!message) return undefined;
  const property = / on property ([\w.]+)\.?$/.exec(message)?.[1];
  const named = property ?? /^(?:Payload validation error: )?([\w.]+)(?::| must| cannot)/.exec(message)?.[1];
  if (!named) return undefined;
  // `flags.x` belongs to the `flags.x` control; a nested schema path to its top-level field.
  if (fields.includes(named)) return named;
  const top = named.split('.')[0]!;
  return fields.includes(top) ? top : undefined;
}
