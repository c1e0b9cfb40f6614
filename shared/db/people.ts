import { batchGetAll, entitiesOf } from './service';
import { User, type UserItem } from './entities/user';

const userEntities = /* @__PURE__ */ entitiesOf({ User });

/**
 * The display names of these users, in one BatchGet per 100 distinct ids (never one read per
 * entry): for answers that show who did what. A user no longer stored has no entry.
 */
export async function loadUserNames(userIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const users = await batchGetAll(
    ids.map((userId) => ({ userId })),
    (keys) => userEntities().User.get(keys).go({ attributes: ['userId', 'name'] }),
  );
  return new Map(users.map((user) => [user.userId, user.name]));
}

/** These users by id, in one BatchGet per 100 distinct ids. A user no longer stored has no entry. */
export async function loadUsers(userIds: readonly string[]): Promise<Map<string, UserItem>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const users = await batchGetAll(
    ids.map((userId) => ({ userId })),
    (keys) => userEntities().User.get(keys).go(),
  );
  return new Map(users.map((user) => [user.userId, user]));
}
