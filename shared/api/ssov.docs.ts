/** The ssov routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { ssovStatuses } from '../domain/commitments';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { ssovRoutes } from './ssov';

export const ssovResponse = z.withMeta(
  z.object({
    projectId: z.string(),
    commitmentId: z.string(),
    status: z.enum(ssovStatuses),
    lines: z.array(
      z.object({
        subLineId: z.string(),
        parentLineId: z.string(),
        description: z.string(),
        amountCents: z.number().check(z.int()),
        orphaned: z.withMeta(z.boolean(), { description: 'The parent line is no longer in the SOV' }),
      }),
    ),
    parentLines: z.withMeta(
      z.array(
        z.object({
          parentLineId: z.string(),
          costCode: z.optional(z.string()),
          description: z.string(),
          scheduledValueCents: z.number().check(z.int()),
          allocatedCents: z.number().check(z.int()),
          remainingCents: z.withMeta(z.number().check(z.int()), { description: 'Remaining to allocate: must be 0 on every line to submit' }),
        }),
      ),
      { description: 'One per current SOV line, in SOV order' },
    ),
    totals: z.object({ scheduledValueCents: z.number().check(z.int()), allocatedCents: z.number().check(z.int()), remainingCents: z.number().check(z.int()) }),
    fullyAllocated: z.withMeta(z.boolean(), { description: 'Every SOV line allocated to the cent and no orphaned sub-lines' }),
    reviewComment: z.optional(z.string()),
    submittedAt: z.optional(z.string()),
    submittedBy: z.optional(z.string()),
    reviewedAt: z.optional(z.string()),
    reviewedBy: z.optional(z.string()),
    updatedAt: z.optional(z.string()),
    version: z.withMeta(z.number().check(z.int()), { description: 'Also the ETag; 0 until first saved' }),
  }),
  { id: 'Ssov', description: 'A commitment’s subcontractor SOV, allocated against the current SOV' },
);
export type SsovResponse = z.infer<typeof ssovResponse>;

export const ssovDocs = {
  getSsov: {
    summary: 'The subcontractor SOV with what remains to allocate on each SOV line (ETag "0" until first saved)',
    tags: ['commitments'],
    response: { description: 'The SSOV (ETag: its version)', schema: ssovResponse },
  },
  replaceSsov: {
    summary: 'Replace the sub-lines (If-Match required; "0" creates it); only in draft or revise & resubmit',
    tags: ['commitments'],
    response: { description: 'The SSOV (ETag: its new version)', schema: ssovResponse },
  },
  changeSsovStatus: {
    summary: 'Submit the SSOV for review (fully allocated), or approve it / send it back with a comment',
    tags: ['commitments'],
    response: { description: 'The SSOV in its new status (ETag: its new version)', schema: ssovResponse },
  },
} satisfies Record<OperationIdOf<typeof ssovRoutes>, RouteDocs>;
