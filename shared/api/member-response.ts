/**
 * A member as the API shows them (the ProjectMember schema is in projects.docs.ts, which no handler bundles),
 * apart from the project views so that vendors, which adds members, does not bundle the project settings.
 */
import type { CompanyItem } from '../db/entities/company';
import type { MemberItem } from '../db/entities/member';
import type { UserItem } from '../db/entities/user';
import type { ProjectMemberResponse } from './projects.docs';

/** A member as the API shows them: who they are, their company, their levels. */
export function toMemberResponse(
  member: MemberItem,
  user: Pick<UserItem, 'name' | 'email'>,
  company: Pick<CompanyItem, 'companyId' | 'name' | 'kind'>,
): ProjectMemberResponse {
  return {
    userId: member.userId,
    name: user.name,
    email: user.email,
    company: { companyId: company.companyId, name: company.name, kind: company.kind },
    levels: { commitments: member.commitments, headContracts: member.headContracts },
    granular: [...(member.granular ?? [])].sort(),
  };
}
