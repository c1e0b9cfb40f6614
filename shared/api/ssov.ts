import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
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

const base = '/v1/projects/{projectId}/commitments/{commitmentId}/ssov';

export const ssovRoutes = [
  {
    operationId: 'getSsov',
    method: 'GET',
    path: base,
    function: 'ssov',
    auth: 'jwt',
    action: 'commitments.view',
    request: { path: ssovPath },
    response: { status: 200 },
  },
  {
    operationId: 'replaceSsov',
    method: 'PUT',
    path: base,
    function: 'ssov',
    auth: 'jwt',
    // or ssov.create: an invoice contact, or a member allowed to create SSOVs
    action: ['ssov.update_as_contact', 'ssov.create'],
    request: { path: ssovPath, body: replaceSsovBody },
    response: { status: 200 },
  },
  {
    operationId: 'changeSsovStatus',
    method: 'POST',
    path: `${base}/status`,
    function: 'ssov',
    auth: 'jwt',
    // submitting needs ssov.update_as_contact or ssov.create, as editing does
    action: ['ssov.review', 'ssov.create', 'ssov.update_as_contact'],
    request: { path: ssovPath, body: changeSsovStatusBody },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
