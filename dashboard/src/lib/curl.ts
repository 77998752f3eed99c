/**
 * The client-credentials request the API page's Test tab shows (Auth0's "Test" tab): a curl that
 * posts JSON to the tenant's /oauth/token. Single quotes in values are escaped for the shell.
 */
export function clientCredentialsCurl(origin: string, clientId: string, secret: string, audience: string): string {
  const body = JSON.stringify({ client_id: clientId, client_secret: secret, audience, grant_type: 'client_credentials' });
  return `curl --request POST \\\n  --url ${origin}/oauth/token \\\n  --header 'content-type: application/json' \\\n  --data '${body.replace(/'/g, "'\\''")}'`;
}
