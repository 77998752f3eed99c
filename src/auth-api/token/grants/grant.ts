/** What a grant handler returns to the token endpoint: the response body and what to log. */
export interface GrantResult {
  response: object;
  audience?: string;
  scope?: string;
  userId?: string;
}
