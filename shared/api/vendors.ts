import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { toolLevels } from '../domain/permissions';
import { pageQuery } from '../http/cursor';
import { projectPath } from './common';
import { projectMember } from './member-response';

export const vendorResponse = z.withMeta(
  z.object({
    vendorId: z.withMeta(z.string(), { description: 'The vendor company’s id' }),
    name: z.string(),
    addedAt: z.withMeta(z.iso.datetime(), { description: 'When the vendor was added to this project' }),
  }),
  { id: 'Vendor' },
);
export type VendorResponse = z.infer<typeof vendorResponse>;

export const vendorList = z.withMeta(z.object({ items: z.array(vendorResponse), nextCursor: z.nullable(z.string()) }), { id: 'VendorList' });

export const vendorDetail = z.withMeta(
  z.extend(vendorResponse, {
    users: z.array(z.object({ userId: z.string(), name: z.string(), email: z.string() })),
  }),
  { id: 'VendorWithUsers' },
);

export const createVendorBody = z.withMeta(
  z
    .strictObject({
      name: z.withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))), { description: 'Create a new vendor company with this name' }),
      vendorId: z.withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(100))), { description: 'Add a vendor your company already works with' }),
    })
    .check(
      z.refine((body) => (body.name === undefined) !== (body.vendorId === undefined), {
        message: 'Give either name (a new vendor) or vendorId (an existing vendor of your company), not both',
        path: ['name'],
      }),
    ),
  { id: 'CreateVendor' },
);

export const addVendorUserBody = z.withMeta(
  z.strictObject({
    email: z.email().check(z.maxLength(254)),
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    commitments: z.withMeta(z._default(z.enum(toolLevels), 'read_only'), { description: 'Level on the Commitments tool (collaborators: read_only)' }),
    headContracts: z._default(z.enum(toolLevels), 'none'),
  }),
  { id: 'AddVendorUser' },
);

const vendorPath = z.extend(projectPath, { vendorId: z.string().check(z.minLength(1), z.maxLength(100)) });

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
