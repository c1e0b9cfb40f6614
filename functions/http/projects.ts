import { randomUUID } from 'node:crypto';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { problems } from '../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import { etagFor, requiredIfMatch } from '../../shared/http/etag';
import { isConditionalFailure } from '../../shared/db/conditions';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { batchGetAll, db, dbService, transactWithRetry } from '../../shared/db/service';
import { syncMemberReviewTasks } from '../../shared/db/tasks';
import { defaultProjectSettings, mergeSettings } from '../../shared/domain/project-settings';
import { InputError } from '../../shared/domain/errors';
import { nextBillingPeriodAt } from '../../shared/domain/billing-periods';
import { loadPeriodsState, scheduleFor } from '../../shared/db/billing-periods';
import { companyAdminRefusal, type GranularPermission, type ToolLevel } from '../../shared/domain/permissions';
import {
  toMemberResponse,
  toProjectResponse,
  toSettingsResponse,
  type ProjectMemberResponse,
} from '../../shared/api/projects';

const projectUrl = (projectId: string) => `/v1/projects/${encodeURIComponent(projectId)}`;

export const handler = httpRouter({
  createProject: async ({ caller, body }) => {
    const { User, Company } = db();
    const { data: user } = await User.get({ userId: caller.userId }).go();
    const { data: company } = user ? await Company.get({ companyId: user.companyId }).go() : { data: null };
    const refusal = companyAdminRefusal(
      'projects.create',
      user && company ? { companyKind: company.kind, companyName: company.name, companyRole: user.companyRole } : undefined,
    );
    if (refusal || !user || !company) throw problems.forbidden(refusal ?? 'No such account.');

    const { name, number, ...requested } = body;
    const { settings, errors } = mergeSettings({ ...defaultProjectSettings(body.region), timeZone: body.timeZone }, requested);
    if (errors.length) throw new InputError(errors);

    const clock = new Date();
    const now = clock.toISOString();
    // Automatic periods from the start: the billing cycle opens the period containing today.
    const nextAt = nextBillingPeriodAt(settings.billingPeriods, settings.timeZone, undefined, clock);
    const project = {
      projectId: randomUUID(),
      companyId: company.companyId,
      name,
      number,
      ...settings,
      createdBy: caller.userId,
      version: 1,
      periodsVersion: 0,
      ...(nextAt ? { nextBillingPeriodAt: nextAt } : {}),
      createdAt: now,
    };
    // The project and its first admin together: a project nobody administers must never exist.
    const result = await dbService()
      .transaction.write(({ Project, Member }) => [
        Project.create(project).commit(),
        Member.create({ projectId: project.projectId, userId: caller.userId, commitments: 'admin', headContracts: 'admin', createdAt: now }).commit(),
      ])
      .go();
    if (result.canceled) throw new Error(`creating project ${project.projectId} was canceled: ${JSON.stringify(result.data)}`);
    return {
      status: 201,
      body: toProjectResponse(project),
      headers: { location: projectUrl(project.projectId), etag: etagFor(project.version) },
    };
  },

  getProject: async ({ caller, path }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce('project.view', member);
    return { body: toProjectResponse(project), headers: { etag: etagFor(project.version) } };
  },

  getProjectSettings: async ({ caller, path }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce('project.view', member);
    return { body: toSettingsResponse(project), headers: { etag: etagFor(project.version) } };
  },

  updateProjectSettings: async ({ caller, path, body, headers }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce('settings.configure', member);
    const expectedVersion = requiredIfMatch(headers, project.version);
    const stale = () =>
      problems.preconditionFailed('The project’s settings changed since you read them; read them again (GET …/settings) and retry.');
    if (expectedVersion !== project.version) throw stale();

    // When the next automatic period opens follows from the settings and the latest period, so
    // the write is conditioned on both the settings version and the periods' version read here.
    for (let attempt = 0; attempt < 3; attempt++) {
      const state = await loadPeriodsState(project.projectId);
      if (!state) throw problems.notFound('No such project.');
      if (state.project.version !== expectedVersion) throw stale();
      const { settings, errors } = mergeSettings(state.project, body);
      if (errors.length) throw new InputError(errors);
      const nextAt = scheduleFor({ ...settings, nextBillingPeriodAt: state.project.nextBillingPeriodAt }, state.periods, new Date());
      const periodsVersion = state.project.periodsVersion as number | undefined; // absent on projects from before issue 4
      const result = await transactWithRetry(() =>
        dbService()
          .transaction.write(({ Project }) => {
            // Whole nested maps are written: merged above from the version the condition pins.
            const patch = Project.patch({ projectId: project.projectId })
              .set({ ...settings, ...(nextAt ? { nextBillingPeriodAt: nextAt } : {}) })
              .add({ version: 1 });
            const write = (nextAt ? patch : patch.remove(['nextBillingPeriodAt'])).where((attr, op) => {
              const periodsUnchanged =
                periodsVersion === undefined ? op.notExists(attr.periodsVersion) : op.eq(attr.periodsVersion, periodsVersion);
              return `${op.eq(attr.version, expectedVersion)} AND ${periodsUnchanged}`;
            });
            return [write.commit()];
          })
          .go(),
      );
      if (!result.canceled) return { body: toSettingsResponse(settings), headers: { etag: etagFor(expectedVersion + 1) } };
      // The settings or the periods changed meanwhile: the next round tells which.
    }
    throw problems.conflict('The project’s billing periods are being changed right now; retry.');
  },

  listMembers: async ({ caller, path, query }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce('members.view', member);
    const scope = `members:${project.projectId}`;
    const { User, Company, Member } = db();
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
  },

  putMember: async ({ caller, path, body }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce('members.manage', member);
    const { projectId } = project;
    const { userId } = path;
    const { User, Member, Company, ProjectVendor } = db();

    const [{ data: user }, { data: existing }] = await Promise.all([User.get({ userId }).go(), Member.get({ projectId, userId }).go()]);
    // Users of other companies do not exist for this project: the same 404 as an unknown id.
    const noSuchUser = problems.notFound(`No user ${userId} in this project’s company or among its vendors.`);
    if (!user) throw noSuchUser;
    const [{ data: company }, { data: vendor }] = await Promise.all([
      Company.get({ companyId: user.companyId }).go(),
      user.companyId === project.companyId ? Promise.resolve({ data: null }) : ProjectVendor.get({ projectId, vendorId: user.companyId }).go(),
    ]);
    if (!company || (user.companyId !== project.companyId && !vendor)) throw noSuchUser;

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
  },

  removeMember: async ({ caller, path }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce('members.manage', member);
    const { projectId } = project;
    const { userId } = path;
    const { Member, User } = db();
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
  },
}, { idempotency: idempotencyKey });

interface Levels {
  commitments: ToolLevel;
  headContracts: ToolLevel;
}

/** A member's new levels; no granular permissions is no attribute (a set has no empty form in DynamoDB). */
function memberUpdate(
  Member: ReturnType<typeof db>['Member'],
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
async function whileAnotherAdminRemains(
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
    const { data: admins } = await db()
      .Member.query.byProject({ projectId })
      .where((attr, op) => op.eq(attr.commitments, 'admin'))
      .go({ pages: 'all', attributes: ['userId'] });
    const other = admins.find((admin) => admin.userId !== userId);
    if (!other) throw lastAdmin;
    const result = await dbService()
      .transaction.write(({ Member }) => [
        change === 'remove'
          ? Member.remove({ projectId, userId }).commit()
          : change.granular.length
            ? Member.patch({ projectId, userId }).set({ ...change.levels, granular: change.granular }).commit()
            : Member.patch({ projectId, userId }).set(change.levels).remove(['granular']).commit(),
        Member.check({ projectId, userId: other.userId })
          .where((attr, op) => op.eq(attr.commitments, 'admin'))
          .commit(),
      ])
      .go();
    if (!result.canceled) return;
    // The member went away meanwhile, or the other admin changed: look again.
  }
  throw lastAdmin;
}

