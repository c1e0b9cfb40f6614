import { entitiesOf } from './service';
import { Company, type CompanyItem } from './entities/company';
import { Member, type MemberItem } from './entities/member';
import { Project, type ProjectItem } from './entities/project';
import { User } from './entities/user';

const meEntities = /* @__PURE__ */ entitiesOf({ User, Company, Member, Project });

/** The caller's profile as the API shows it (checked against MeResponse where it is served). */
export interface Me {
  userId: string;
  email: string;
  name: string;
  company: { companyId: string; name: string; kind: CompanyItem['kind'] };
  projects: Array<{
    projectId: string;
    name: string;
    number: string;
    region: ProjectItem['region'];
    timeZone: string;
    levels: { commitments: MemberItem['commitments']; headContracts: MemberItem['headContracts'] };
    granular: Array<NonNullable<MemberItem['granular']>[number]>;
  }>;
}

/** A user sees at most this many memberships here; project lists page through their own route. */
const membershipLimit = 100;

/**
 * The caller's profile with their company and memberships, in three bounded requests
 * (GetItem, then GetItem + Query in parallel, then one BatchGet). Undefined: no profile.
 */
export async function loadMe(userId: string): Promise<{ me: Me; version: number } | undefined> {
  const { User, Company, Member, Project } = meEntities();
  const { data: user } = await User.get({ userId }).go();
  if (!user) return undefined;

  const [{ data: company }, { data: memberships }] = await Promise.all([
    Company.get({ companyId: user.companyId }).go(),
    Member.query.byUser({ userId }).go({ limit: membershipLimit }),
  ]);
  if (!company) throw new Error(`user ${userId} belongs to missing company ${user.companyId}`);

  const { data: projects } = memberships.length
    ? await Project.get(memberships.map(({ projectId }) => ({ projectId }))).go()
    : { data: [] };
  const projectById = new Map(projects.map((project) => [project.projectId, project]));

  const me: Me = {
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
  return { me, version: user.version };
}
