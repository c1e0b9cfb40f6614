/**
 * A member as the API shows them, apart from the project schemas (shared/api/projects.ts, which
 * re-exports it) so that vendors, which adds members, does not bundle the project and commitment
 * schemas and big.js.
 */
import * as z from '../zod';
import { granularPermissions, toolLevels } from '../domain/permissions';
import type { CompanyItem } from '../db/entities/company';
import type { MemberItem } from '../db/entities/member';
import type { UserItem } from '../db/entities/user';

const levels = z.object({ commitments: z.enum(toolLevels), headContracts: z.enum(toolLevels) });

export const projectMember = z.withMeta(
  z.object({
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    company: z.object({ companyId: z.string(), name: z.string(), kind: z.enum(['general_contractor', 'vendor']) }),
    levels,
    granular: z.array(z.enum(granularPermissions)),
  }),
  { id: 'ProjectMember' },
);
export type ProjectMemberResponse = z.infer<typeof projectMember>;

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
