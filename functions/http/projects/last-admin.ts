/** Member changes that keep a project administered: a commitments admin goes only while another remains. */
import { problems } from '../../../shared/http/problem';
import { createWriteTransaction } from '../../../shared/db/electrodb';
import { projectEntities } from './entities';
import type { GranularPermission, ToolLevel } from '../../../shared/domain/permissions';

export interface Levels {
  commitments: ToolLevel;
  headContracts: ToolLevel;
}

/** A member's new levels; no granular permissions is no attribute (a set has no empty form in DynamoDB). */
export function memberUpdate(
  Member: ReturnType<typeof projectEntities>['Member'],
  projectId: string,
  userId: string,
  levels: Levels,
  granular: GranularPermission[],
) {
  const patch = Member.patch({ projectId, userId }).set({ ...levels, ...(granular.length ? { granular } : {}) });
  return granular.length ? patch : patch.remove(['granular']);
}

/**
 * Demotes or removes commitments admin `userId` only together with a check that another member
 * is still a commitments admin, in one transaction: two admins demoting each other at once
 * cannot both succeed, so a project always keeps an admin.
 */
export async function whileAnotherAdminRemains(
  projectId: string,
  userId: string,
  name: string,
  change: 'remove' | { levels: Levels; granular: GranularPermission[] },
): Promise<void> {
  const verb = change === 'remove' ? 'remove' : 'demote';
  const lastAdmin = problems.conflict(
    `${name} is the project’s last commitments admin; make another member admin before you ${verb} them.`,
  );
  for (let attempt = 0; attempt < 3; attempt++) {
    const { data: admins } = await projectEntities()
      .Member.query.byProject({ projectId })
      .where((attr, op) => op.eq(attr.commitments, 'admin'))
      .go({ pages: 'all', attributes: ['userId'] });
    const other = admins.find((admin) => admin.userId !== userId);
    if (!other) throw lastAdmin;
    const result = await createWriteTransaction(projectEntities(), ({ Member }) => [
      change === 'remove'
        ? Member.remove({ projectId, userId }).commit()
        : change.granular.length
          ? Member.patch({ projectId, userId }).set({ ...change.levels, granular: change.granular }).commit()
          : Member.patch({ projectId, userId }).set(change.levels).remove(['granular']).commit(),
      Member.check({ projectId, userId: other.userId })
        .where((attr, op) => op.eq(attr.commitments, 'admin'))
        .commit(),
    ]).go();
    if (!result.canceled) return;
    // The member went away meanwhile, or the other admin changed: look again.
  }
  throw lastAdmin;
}

