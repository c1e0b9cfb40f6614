import { entitiesOf } from '../db/service';
import { Member } from '../db/entities/member';
import { Project } from '../db/entities/project';
import { authorize, type ActionRule, type GuardedRecord, type Membership } from '../domain/permissions';
import type { ActionRefusal } from '../domain/allowed-actions';
import { problems } from './problem';
// Every module that serves a project's lists comes through here: read the cursor key at cold start.
import './cursor-secret';

const accessEntities = /* @__PURE__ */ entitiesOf({ Project, Member });

/**
 * The caller's standing in a project: the project and their membership, in two parallel
 * GetItems. A project the caller is not a member of does not exist for them (404).
 */
export async function loadProjectAccess(projectId: string, userId: string) {
  const { Project, Member } = accessEntities();
  const [{ data: project }, { data: member }] = await Promise.all([
    Project.get({ projectId }).go(),
    Member.get({ projectId, userId }).go(),
  ]);
  if (!project || !member) throw problems.notFound('No such project.');
  const membership: Membership = {
    userId,
    commitments: member.commitments,
    headContracts: member.headContracts,
    granular: member.granular ?? [],
  };
  return { project, member: membership };
}

/** Throws the policy's refusal as problem+json: 404 for what the member cannot see, 403 naming what is missing. */
export function enforce(rule: ActionRule, member: Membership | undefined, record?: GuardedRecord): void {
  const decision = authorize(rule, member, record);
  if (decision.allowed) return;
  throw decision.status === 404 ? problems.notFound(decision.detail) : problems.forbidden(decision.detail);
}

/** Throws an action's refusal (shared/domain/allowed-actions.ts) as problem+json: 404, 403 or 409. */
export function enforceRefusal(refusal: ActionRefusal | undefined): void {
  if (!refusal) return;
  if (refusal.status === 404) throw problems.notFound(refusal.detail);
  throw refusal.status === 403 ? problems.forbidden(refusal.detail) : problems.conflict(refusal.detail);
}
