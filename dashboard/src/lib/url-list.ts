/** Auth0's URL list fields (callbacks, logout URLs, origins) are typed as comma-separated text. */
export function parseUrlList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((value) => value.trim())
    .filter(Boolean);
}

export function formatUrlList(values: readonly string[] | undefined): string {
  return (values ?? []).join(', ');
}

/** Parses a JSON object for the metadata editors: the object, or a message saying what is wrong. */
export function parseJsonObject(text: string): { value: Record<string, unknown> } | { error: string } {
  if (!text.trim()) return { value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `Invalid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'The value must be a JSON object ({ ... }).' };
  return { value: value as Record<string, unknown> };
}
