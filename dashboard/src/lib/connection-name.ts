/**
 * Auth0's rule for connection names, as the server checks it (src/domain/connections/connection.ts):
 * 1–128 characters, letters, digits and `-`, starting and ending with a letter or digit.
 */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/;

export function connectionNameProblem(name: string): string | undefined {
  if (name === '') return 'Enter a name.';
  if (name.length > 128) return 'At most 128 characters.';
  if (!NAME.test(name)) return "Use letters, digits and '-' only, starting and ending with a letter or digit.";
  return undefined;
}
