/**
 * One OpenAPI document per API from the server's single `@fastify/swagger` document (a second
 * instance cannot be registered: the plugin decorates the root): the paths under one prefix, with
 * that API's own title and description. Built once, on first request, since routes never change
 * after start.
 */
export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths?: Record<string, unknown>;
  [key: string]: unknown;
}

export function openApiSubset(full: OpenApiDocument, prefix: string, info: Record<string, unknown>, overrides: Record<string, unknown> = {}): OpenApiDocument {
  const paths = Object.fromEntries(Object.entries(full.paths ?? {}).filter(([path]) => path.startsWith(prefix)));
  return { ...full, info, paths, ...overrides };
}
