/** The vendors' documentation (OpenAPI only: no handler imports it) and their answers' schemas. */
import * as z from '../zod';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { vendorRoutes } from './vendors';
import { projectMember } from './projects.docs';

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

export const vendorDocs = {
  listVendors: {
    summary: 'The vendors of the project, a page at a time',
    tags: ['vendors'],
    response: { description: 'A page of vendors; nextCursor fetches the next', schema: vendorList },
  },
  createVendor: {
    summary: 'Add a vendor to the project: a new vendor company, or one your company already works with',
    tags: ['vendors'],
    response: { description: 'The vendor (Location: its URL)', schema: vendorResponse },
  },
  getVendor: {
    summary: 'A vendor of the project with its users',
    tags: ['vendors'],
    response: { description: 'The vendor and its users', schema: vendorDetail },
  },
  addVendorUser: {
    summary: 'Invite a person of the vendor (an account by email) and make them a project member',
    tags: ['vendors'],
    response: { description: 'The member (201 invited or added; 200 when they already were; 202 `{ email, status: "received" }` when the email is not one this vendor can have, without saying why)', schema: projectMember },
  },
} satisfies Record<OperationIdOf<typeof vendorRoutes>, RouteDocs>;
