import { syncMemberReviewTasks } from '../../../shared/db/tasks';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { isConditionalFailure } from '../../../shared/db/conditions';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { batchGetAll } from '../../../shared/db/service';
import type { ProjectItem } from '../../../shared/db/entities/project';
import type { ProjectMemberResponse } from '../../../shared/api/projects.docs';
import { toMemberResponse } from '../../../shared/api/member-response';
import { memberUpdate, whileAnotherAdminRemains } from './last-admin';
import { projectEntities } from './entities';
import { projectUrl } from './urls';
import { membersManage, membersView } from '../../../shared/domain/permission-rules';

export async function listMembers({ caller, path, query }: HttpInput<'listMembers'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(membersView, member);
  const scope = `members:${project.projectId}`;
  const { User, Company, Member } = projectEntities();
  const page = await Member.query.byProject({ projectId: project.projectId }).go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });

  const users = await batchGetAll(page.data.map(({ userId }) => ({ userId })), (keys) => User.get(keys).go());
  const companyIds = [...new Set(users.map((user) => user.companyId))];
  const companies = await batchGetAll(companyIds.map((companyId) => ({ companyId })), (keys) => Company.get(keys).go());
  const userById = new Map(users.map((user) => [user.userId, user]));
  const companyById = new Map(companies.map((company) => [company.companyId, company]));

  const items = page.data.flatMap((m): ProjectMemberResponse[] => {
    const user = userById.get(m.userId);
    const company = user && companyById.get(user.companyId);
    return user && company ? [toMemberResponse(m, user, company)] : [];
  });
  return { body: { items, nextCursor: encodeCursor(scope, page.cursor) } };
}

/** The user, their company and their membership if any: users of the project's company or of its vendors, else 404. */
async function candidateMember(project: ProjectItem, userId: string) {
  const { projectId } = project;
  const { User, Member, Company, ProjectVendor } = projectEntities();
  const [{ data: user }, { data: existing }] = await Promise.all([User.get({ userId }).go(), Member.get({ projectId, userId }).go()]);
  // Users of other companies do not exist for this project: the same 404 as an unknown id.
  const noSuchUser = problems.notFound(`No user ${userId} in this project’s company or among its vendors.`);
  if (!user) throw noSuchUser;
  const [{ data: company }, { data: vendor }] = await Promise.all([
    Company.get({ companyId: user.companyId }).go(),
    user.companyId === project.companyId ? Promise.resolve({ data: null }) : ProjectVendor.get({ projectId, vendorId: user.companyId }).go(),
  ]);
  if (!company || (user.companyId !== project.companyId && !vendor)) throw noSuchUser;
  return { user, company, existing };
}

export async function putMember({ caller, path, body }: HttpInput<'putMember'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(membersManage, member);
  const { projectId } = project;
  const { userId } = path;
  const { Member } = projectEntities();
  const { user, company, existing } = await candidateMember(project, userId);

  const levels = { commitments: body.commitments, headContracts: body.headContracts };
  const granular = [...new Set(body.granular)];
  const answer = (status: 200 | 201, createdAt: string) => ({
    status,
    body: toMemberResponse({ projectId, userId, ...levels, granular, createdAt }, user, company),
    headers: status === 201 ? { location: `${projectUrl(projectId)}/members/${encodeURIComponent(userId)}` } : undefined,
  });

  if (!existing) {
    const createdAt = new Date().toISOString();
    try {
      await Member.create({ projectId, userId, ...levels, ...(granular.length ? { granular } : {}), createdAt }).go();
      if (body.commitments === 'admin') await syncMemberReviewTasks(projectId, userId);
      return answer(201, createdAt);
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      throw problems.conflict(`${user.name} was added to the project at the same moment by someone else; read the members again.`);
    }
  }

  if (existing.commitments === 'admin' && body.commitments !== 'admin') {
    await whileAnotherAdminRemains(projectId, userId, user.name, { levels, granular });
  } else {
    try {
      await memberUpdate(Member, projectId, userId, levels, granular).go();
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      throw problems.conflict(`${user.name} was removed from the project meanwhile; PUT again to add them.`);
    }
  }
  // A new invoice administrator gets the reviews waiting in the project; a former one loses theirs.
  if ((existing.commitments === 'admin') !== (body.commitments === 'admin')) await syncMemberReviewTasks(projectId, userId);
  return answer(200, existing.createdAt);
}

export async function removeMember({ caller, path }: HttpInput<'removeMember'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  enforce(membersManage, member);
  const { projectId } = project;
  const { userId } = path;
  const { Member, User } = projectEntities();
  const notMember = problems.notFound(`User ${userId} is not a member of this project.`);
  const { data: existing } = await Member.get({ projectId, userId }).go();
  if (!existing) throw notMember;

  if (existing.commitments === 'admin') {
    const { data: user } = await User.get({ userId }).go();
    await whileAnotherAdminRemains(projectId, userId, user?.name ?? userId, 'remove');
    await syncMemberReviewTasks(projectId, userId);
  } else {
    try {
      await Member.remove({ projectId, userId }).go();
    } catch (error) {
      if (isConditionalFailure(error)) throw notMember;
      throw error;
    }
  }
  return { status: 204 };
}
