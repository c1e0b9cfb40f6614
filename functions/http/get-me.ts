import { httpHandler } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';
import { db } from '../../shared/db/service';
import type { MeResponse } from '../../shared/api/me';

/** A user sees at most this many memberships here; project lists page through their own route. */
const membershipLimit = 100;

export const handler = httpHandler('getMe', async ({ caller }) => {
  const { User, Company, Member, Project } = db();
  const { data: user } = await User.get({ userId: caller.userId }).go();
  if (!user) throw problems.notFound('No user profile exists for this account yet.');

  const [{ data: company }, { data: memberships }] = await Promise.all([
    Company.get({ companyId: user.companyId }).go(),
    Member.query.byUser({ userId: user.userId }).go({ limit: membershipLimit }),
  ]);
  if (!company) throw new Error(`user ${user.userId} belongs to missing company ${user.companyId}`);

  const { data: projects } = memberships.length
    ? await Project.get(memberships.map(({ projectId }) => ({ projectId }))).go()
    : { data: [] };
  const projectById = new Map(projects.map((project) => [project.projectId, project]));

  const body: MeResponse = {
    userId: user.userId,
    email: user.email,
    name: user.name,
    company: { companyId: company.companyId, name: company.name, kind: company.kind },
    projects: memberships.flatMap((member) => {
      const project = projectById.get(member.projectId);
      if (!project) return [];
      return [
        {
          projectId: project.projectId,
          name: project.name,
          number: project.number,
          region: project.region,
          timeZone: project.timeZone,
          levels: { commitments: member.commitments, headContracts: member.headContracts },
          granular: [...(member.granular ?? [])],
        },
      ];
    }),
  };
  return { body };
});
