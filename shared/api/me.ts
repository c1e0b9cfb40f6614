import { z } from 'zod';
import { toolLevels, granularPermissions } from '../domain/permissions';
import { regions } from '../domain/terminology';

export const meResponse = z
  .object({
    userId: z.string(),
    email: z.email(),
    name: z.string(),
    company: z.object({ companyId: z.string(), name: z.string(), kind: z.enum(['general_contractor', 'vendor']) }),
    projects: z.array(
      z.object({
        projectId: z.string(),
        name: z.string(),
        number: z.string(),
        region: z.enum(regions),
        timeZone: z.string(),
        levels: z.object({ commitments: z.enum(toolLevels), headContracts: z.enum(toolLevels) }),
        granular: z.array(z.enum(granularPermissions)),
      }),
    ),
  })
  .meta({ id: 'Me', description: 'The caller, their company and the projects they are a member of' });
export type MeResponse = z.infer<typeof meResponse>;

export const updateMeBody = z
  .object({
    name: z.string().trim().min(1).max(200).meta({ description: 'Display name used in emails and PDFs' }),
  })
  .strict()
  .meta({ id: 'UpdateMe' });
