/**
 * What RBAC needs to know about users, which live in their own aggregate: whether a user exists
 * in the tenant, and the few profile fields a role's member list shows.
 */
import type { Repositories } from '../../storage/storage.js';

/** A member of a role as `GET /roles/{id}/users` shows it. */
export interface RoleMember {
  user_id: string;
  picture?: string;
  name?: string;
  email?: string;
}

export interface UserDirectory {
  /** Read through the caller's repositories, so inside a transaction it sees that transaction. */
  exists(repos: Repositories, tenantId: string, userId: string): Promise<boolean>;
  /** The users that exist among `userIds`, in the given order. */
  members(repos: Repositories, tenantId: string, userIds: string[]): Promise<RoleMember[]>;
}

/** The directory over the users repository. */
export const userDirectory: UserDirectory = {
  async exists(repos, tenantId, userId) {
    return (await repos.users.findById(tenantId, userId)) !== undefined;
  },

  // A page holds at most 100 members, so one lookup each keeps this independent of the users schema.
  async members(repos, tenantId, userIds) {
    const members: RoleMember[] = [];
    for (const userId of userIds) {
      const user = await repos.users.findById(tenantId, userId);
      if (!user) continue; // assignments of a deleted user, should any remain, are not shown
      const picture = user.document.picture;
      members.push({
        user_id: user.userId,
        ...(typeof picture === 'string' ? { picture } : {}),
        ...(user.name !== null ? { name: user.name } : {}),
        ...(user.email !== null ? { email: user.email } : {}),
      });
    }
    return members;
  },
};
