/** The me routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { toolLevels, granularPermissions } from '../domain/permissions';
import { regions } from '../domain/terminology';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { meRoutes } from './me';

export const meResponse = z.withMeta(
  z.object({
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
  }),
  { id: 'Me', description: 'The caller, their company and the projects they are a member of' },
);
export type MeResponse = z.infer<typeof meResponse>;

export const meDocs = {
  getMe: {
    summary: 'The caller, their company and their project memberships',
    tags: ['users'],
    response: { description: 'The caller (ETag: its version)', schema: meResponse },
  },
  updateMe: {
    summary: 'Change the caller’s display name (If-Match required)',
    tags: ['users'],
    response: { description: 'The caller, updated (ETag: its new version)', schema: meResponse },
  },
} satisfies Record<OperationIdOf<typeof meRoutes>, RouteDocs>;
