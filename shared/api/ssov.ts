import * as z from 'zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { ssovStatuses } from '../domain/commitments';
import { ssovTargetStatuses } from '../domain/ssov';

export const ssovPath = z.object({ projectId: z.string().min(1), commitmentId: z.string().min(1) });

const cents = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const replaceSsovBody = z
  .object({
    lines: z
      .array(
        z
          .object({
            subLineId: z.string().trim().min(1).max(64).optional().meta({ description: 'Keep an existing sub-line’s id; omitted: a new id is assigned' }),
            parentLineId: z.string().min(1).meta({ description: 'The SOV line this sub-line breaks down' }),
            description: z.string().trim().min(1).max(500),
            amountCents: cents,
          })
          .strict(),
      )
      .max(1000),
  })
  .strict()
  .meta({ id: 'ReplaceSsov', description: 'The whole set of sub-lines; a draft may leave SOV lines partly allocated' });
export type ReplaceSsovBody = z.infer<typeof replaceSsovBody>;

export const changeSsovStatusBody = z
  .object({
    status: z.enum(ssovTargetStatuses).meta({
      description: '`under_review` submits (every SOV line fully allocated); `approved` / `revise_and_resubmit` review it',
    }),
    comment: z.string().trim().min(1).max(2000).optional().meta({ description: 'The reviewer’s comment; required to send it back' }),
  })
  .strict()
  .meta({ id: 'ChangeSsovStatus' });
export type ChangeSsovStatusBody = z.infer<typeof changeSsovStatusBody>;

export const ssovResponse = z
  .object({
    projectId: z.string(),
    commitmentId: z.string(),
    status: z.enum(ssovStatuses),
    lines: z.array(
      z.object({
        subLineId: z.string(),
        parentLineId: z.string(),
        description: z.string(),
        amountCents: z.number().int(),
        orphaned: z.boolean().meta({ description: 'The parent line is no longer in the SOV' }),
      }),
    ),
    parentLines: z
      .array(
        z.object({
          parentLineId: z.string(),
          costCode: z.string().optional(),
          description: z.string(),
          scheduledValueCents: z.number().int(),
          allocatedCents: z.number().int(),
          remainingCents: z.number().int().meta({ description: 'Remaining to allocate: must be 0 on every line to submit' }),
        }),
      )
      .meta({ description: 'One per current SOV line, in SOV order' }),
    totals: z.object({ scheduledValueCents: z.number().int(), allocatedCents: z.number().int(), remainingCents: z.number().int() }),
    fullyAllocated: z.boolean().meta({ description: 'Every SOV line allocated to the cent and no orphaned sub-lines' }),
    reviewComment: z.string().optional(),
    submittedAt: z.string().optional(),
    submittedBy: z.string().optional(),
    reviewedAt: z.string().optional(),
    reviewedBy: z.string().optional(),
    updatedAt: z.string().optional(),
    version: z.number().int().meta({ description: 'Also the ETag; 0 until first saved' }),
  })
  .meta({ id: 'Ssov', description: 'A commitment’s subcontractor SOV, allocated against the current SOV' });
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
    action: 'ssov.update_as_contact',
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
    action: 'ssov.review',
    summary: 'Submit the SSOV for review (fully allocated), or approve it / send it back with a comment',
    tags: ['commitments'],
    request: { path: ssovPath, body: changeSsovStatusBody },
    response: { status: 200, description: 'The SSOV in its new status (ETag: its new version)', schema: ssovResponse },
  },
] as const satisfies readonly RouteDefinition[];
