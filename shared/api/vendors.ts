import * as z from 'zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { toolLevels } from '../domain/permissions';
import { pageQuery } from '../http/cursor';
import { projectMember, projectPath } from './projects';

export const vendorResponse = z
  .object({
    vendorId: z.string().meta({ description: 'The vendor company’s id' }),
    name: z.string(),
    addedAt: z.iso.datetime().meta({ description: 'When the vendor was added to this project' }),
  })
  .meta({ id: 'Vendor' });
export type VendorResponse = z.infer<typeof vendorResponse>;

export const vendorList = z.object({ items: z.array(vendorResponse), nextCursor: z.string().nullable() }).meta({ id: 'VendorList' });

export const vendorDetail = vendorResponse
  .extend({
    users: z.array(z.object({ userId: z.string(), name: z.string(), email: z.string() })),
  })
  .meta({ id: 'VendorWithUsers' });

export const createVendorBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional().meta({ description: 'Create a new vendor company with this name' }),
    vendorId: z.string().min(1).max(100).optional().meta({ description: 'Add a vendor your company already works with' }),
  })
  .strict()
  .refine((body) => (body.name === undefined) !== (body.vendorId === undefined), {
    message: 'Give either name (a new vendor) or vendorId (an existing vendor of your company), not both',
    path: ['name'],
  })
  .meta({ id: 'CreateVendor' });

export const addVendorUserBody = z
  .object({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200),
    commitments: z.enum(toolLevels).default('read_only').meta({ description: 'Level on the Commitments tool (collaborators: read_only)' }),
    headContracts: z.enum(toolLevels).default('none'),
  })
  .strict()
  .meta({ id: 'AddVendorUser' });

const vendorPath = projectPath.extend({ vendorId: z.string().min(1).max(100) });

export const vendorRoutes = [
  {
    operationId: 'listVendors',
    method: 'GET',
    path: '/v1/projects/{projectId}/vendors',
    function: 'vendors',
    auth: 'jwt',
    action: 'vendors.view',
    summary: 'The vendors of the project, a page at a time',
    tags: ['vendors'],
    request: { path: projectPath, query: z.object(pageQuery) },
    response: { status: 200, description: 'A page of vendors; nextCursor fetches the next', schema: vendorList },
  },
  {
    operationId: 'createVendor',
    method: 'POST',
    path: '/v1/projects/{projectId}/vendors',
    function: 'vendors',
    auth: 'jwt',
    action: 'vendors.manage',
    summary: 'Add a vendor to the project: a new vendor company, or one your company already works with',
    tags: ['vendors'],
    request: { path: projectPath, body: createVendorBody },
    response: { status: 201, description: 'The vendor (Location: its URL)', schema: vendorResponse },
  },
  {
    operationId: 'getVendor',
    method: 'GET',
    path: '/v1/projects/{projectId}/vendors/{vendorId}',
    function: 'vendors',
    auth: 'jwt',
    action: 'vendors.view',
    summary: 'A vendor of the project with its users',
    tags: ['vendors'],
    request: { path: vendorPath },
    response: { status: 200, description: 'The vendor and its users', schema: vendorDetail },
  },
  {
    operationId: 'addVendorUser',
    method: 'POST',
    path: '/v1/projects/{projectId}/vendors/{vendorId}/users',
    function: 'vendors',
    auth: 'jwt',
    action: 'vendors.manage',
    summary: 'Invite a person of the vendor (an account by email) and make them a project member',
    tags: ['vendors'],
    request: { path: vendorPath, body: addVendorUserBody },
    response: { status: 201, description: 'The member (201 invited or added; 200 when they already were; 202 `{ email, status: "received" }` when the email is not one this vendor can have, without saying why)', schema: projectMember },
  },
] as const satisfies readonly RouteDefinition[];
