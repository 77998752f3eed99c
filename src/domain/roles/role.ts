/** The role object as the Management API shows it, and the rules for its fields. */
import type { RoleRecord } from '../../storage/repositories/roles.js';
import { randomAlphanumeric } from '../ids.js';
import { invalid, notFound } from '../errors.js';

export interface Role {
  id: string;
  name: string;
  description?: string;
}

export const ROLE_NAME_MAX = 255;
export const ROLE_DESCRIPTION_MAX = 1000;

/** `rol_` and 16 alphanumerics (95 bits), Auth0's shape. */
export const newRoleId = (): string => `rol_${randomAlphanumeric(16)}`;

export function toRole(record: RoleRecord): Role {
  const description = record.document.description;
  return { id: record.id, name: record.name, ...(typeof description === 'string' ? { description } : {}) };
}

/**
 * Role names are compared exactly (case and spaces count), as stored. The schema already bounds
 * them; this catches names that are only whitespace, which would be indistinguishable in lists.
 */
export function checkRoleName(name: string): string {
  if (!name.trim()) throw invalid("Payload validation error: 'name' must not be blank.");
  return name;
}

export const roleNotFound = () => notFound('The role does not exist.', 'inexistent_role');
export const userNotFound = (userId: string) => notFound(`The user does not exist: '${userId}'.`, 'inexistent_user');
