import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { ssovStatuses } from '../domain/commitments';
import { ssovTargetStatuses } from '../domain/ssov';

export const ssovPath = z.object({ projectId: z.string().check(z.minLength(1)), commitmentId: z.string().check(z.minLength(1)) });

const cents = z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));

export const replaceSsovBody = z.withMeta(
  z.strictObject({
    lines: z
      .array(
        z.strictObject({
          subLineId: z.withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))), {
            description: 'Keep an existing sub-line’s id; omitted: a new id is assigned',
          }),
          parentLineId: z.withMeta(z.string().check(z.minLength(1)), { description: 'The SOV line this sub-line breaks down' }),
          description: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
          amountCents: cents,
        }),
      )
      .check(z.maxLength(1000)),
  }),
  { id: 'ReplaceSsov', description: 'The whole set of sub-lines; a draft may leave SOV lines partly allocated' },
);
export type ReplaceSsovBody = z.infer<typeof replaceSsovBody>;

export const changeSsovStatusBody = z.withMeta(
  z.strictObject({
    status: z.withMeta(z.enum(ssovTargetStatuses), {
      description: '`under_review` submits (every SOV line fully allocated); `approved` / `revise_and_resubmit` review it',
    }),
    comment: z.withMeta(z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000))), {
      description: 'The reviewer’s comment; required to send it back',
    }),
  }),
  { id: 'ChangeSsovStatus' },
);
export type ChangeSsovStatusBody = z.infer<typeof changeSsovStatusBody>;

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

const base = '/v1/projects/{projectId}/commitments/{commitmentId}/ssov';

export const ssovRoutes = [
  {
    operationId: 'getSsov',
    method: 'GET',
    path: base,
    function: 'ssov',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'The subcontractor SOV with what remains to allocate on each SOV line (ETag "0" until first saved)',
    tags: ['commitments'],
    request: { path: ssovPath },
    response: { status: 200, description: 'The SSOV (ETag: its version)', schema: ssovResponse },
  },
  {
    operationId: 'replaceSsov',
    method: 'PUT',
    path: base,
    function: 'ssov',
    auth: 'jwt',
    // or ssov.create: an invoice contact, or a member allowed to create SSOVs
    action: ['ssov.update_as_contact', 'ssov.create'],
    summary: 'Replace the sub-lines (If-Match required; "0" creates it); only in draft or revise & resubmit',
    tags: ['commitments'],
    request: { path: ssovPath, body: replaceSsovBody },
    response: { status: 200, description: 'The SSOV (ETag: its new version)', schema: ssovResponse },
  },
  {
    operationId: 'changeSsovStatus',
    method: 'POST',
    path: `${base}/status`,
    function: 'ssov',
    auth: 'jwt',
    // submitting needs ssov.update_as_contact or ssov.create, as editing does
    action: ['ssov.review', 'ssov.create', 'ssov.update_as_contact'],
    summary: 'Submit the SSOV for review (fully allocated), or approve it / send it back with a comment',
    tags: ['commitments'],
    request: { path: ssovPath, body: changeSsovStatusBody },
    response: { status: 200, description: 'The SSOV in its new status (ETag: its new version)', schema: ssovResponse },
  },
] as const satisfies readonly RouteDefinition[];
