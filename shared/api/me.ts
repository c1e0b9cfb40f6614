import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { toolLevels, granularPermissions } from '../domain/permissions';
import { regions } from '../domain/terminology';

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

export const updateMeBody = z.withMeta(
  z.strictObject({
    name: z.withMeta(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), { description: 'Display name used in emails and PDFs' }),
  }),
  { id: 'UpdateMe' },
);

export const meRoutes = [
  {
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    function: 'getMe',
    auth: 'jwt',
    action: null,
    summary: 'The caller, their company and their project memberships',
    tags: ['users'],
    response: { status: 200, description: 'The caller (ETag: its version)', schema: meResponse },
  },
  {
    operationId: 'updateMe',
    method: 'PATCH',
    path: '/v1/me',
    function: 'updateMe',
    auth: 'jwt',
    action: null,
    summary: 'Change the caller’s display name (If-Match required)',
    tags: ['users'],
    request: { body: updateMeBody },
    response: { status: 200, description: 'The caller, updated (ETag: its new version)', schema: meResponse },
  },
] as const satisfies readonly RouteDefinition[];
