/** The connection resource as the generated Management API types describe it. */
import type { paths } from '../../api/generated/management.js';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type Connection = Json<paths['/api/v2/connections/{id}']['get']['responses'][200]>;
export type ConnectionPatch = Json<paths['/api/v2/connections/{id}']['patch']['requestBody']>;
export type ConnectionOptions = NonNullable<ConnectionPatch['options']>;
