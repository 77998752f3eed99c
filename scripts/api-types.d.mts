export interface ServerModules {
  loadConfig: (env: Record<string, string>) => unknown;
  openRuntime: (config: any, onBackgroundError: (error: unknown) => void) => Promise<unknown>;
  closeRuntime: (services: any) => Promise<void>;
  buildServer: (config: any, services: any) => Promise<{ ready(): PromiseLike<unknown>; close(): PromiseLike<unknown>; inject: (options: any) => any }>;
  ensureTenant: (services: any, name: string) => Promise<unknown>;
  ensureAdminTenant: (services: any) => Promise<unknown>;
}
export const API_DOCUMENTS: { file: string; path: string; host: string }[];
export const GENERATED_DIR: string;
export function readDocuments(server: ServerModules): Promise<Map<string, unknown>>;
export function renderTypes(document: unknown, path: string): Promise<string>;
export function generateApiTypes(server: ServerModules): Promise<{ file: string; contents: string }[]>;
