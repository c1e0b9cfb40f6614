/** The vendors of a project: the routes and what they take (their answers in vendors.docs.ts). */
import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { toolLevels } from '../domain/permissions';
import { pageQuery } from '../http/cursor';
import { projectPath } from './common';

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
    request: { path: projectPath, query: z.object(pageQuery) },
    response: { status: 200 },
  },
  {
    operationId: 'createVendor',
    method: 'POST',
    path: '/v1/projects/{projectId}/vendors',
    function: 'vendors',
    auth: 'jwt',
    action: 'vendors.manage',
    request: { path: projectPath, body: createVendorBody },
    response: { status: 201 },
  },
  {
    operationId: 'getVendor',
    method: 'GET',
    path: '/v1/projects/{projectId}/vendors/{vendorId}',
    function: 'vendors',
    auth: 'jwt',
    action: 'vendors.view',
    request: { path: vendorPath },
    response: { status: 200 },
  },
  {
    operationId: 'addVendorUser',
    method: 'POST',
    path: '/v1/projects/{projectId}/vendors/{vendorId}/users',
    function: 'vendors',
    auth: 'jwt',
    action: 'vendors.manage',
    request: { path: vendorPath, body: addVendorUserBody },
    response: { status: 201 },
  },
] as const satisfies readonly RouteDefinition[];
