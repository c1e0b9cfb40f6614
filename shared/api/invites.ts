import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoiceTypes } from '../domain/project-settings';

const id = z.string().check(z.minLength(1), z.maxLength(100));

export const periodInvitesPath = z.object({ projectId: id, billingPeriodId: id });
export const invitePath = z.object({
  projectId: id,
  inviteId: z.withMeta(z.string().check(z.minLength(3), z.maxLength(201)), { description: '`<billingPeriodId>.<commitmentId>`' }),
});

export const invoiceType = z.withMeta(z.enum(invoiceTypes), { description: 'What the contact is invited to bill' });

export const sendInvitesBody = z.withMeta(
  z.strictObject({
    commitmentIds: z.withMeta(
      z.array(id).check(
        z.minLength(1),
        z.maxLength(500),
        z.superRefine((ids, ctx) => {
          const seen = new Set<string>();
          ids.forEach((commitmentId, index) => {
            if (seen.has(commitmentId)) ctx.addIssue({ code: 'custom', path: [index], message: `${commitmentId} is listed more than once` });
            seen.add(commitmentId);
          });
        }),
      ),
      { description: '1–500 distinct commitments of the project' },
    ),
    invoiceType,
  }),
  { id: 'SendInvites' },
);

export const respondToInviteBody = z.withMeta(
  z.strictObject({ accept: z.withMeta(z.boolean(), { description: 'true: bill this period (accepted); false: declined' }) }),
  { id: 'InviteResponse' },
);

const periodInvites = '/v1/projects/{projectId}/billing-periods/{billingPeriodId}/invites';

export const inviteRoutes = [
  {
    operationId: 'sendInvites',
    method: 'POST',
    path: periodInvites,
    function: 'invites',
    auth: 'jwt',
    action: 'invites.send',
    request: { path: periodInvitesPath, body: sendInvitesBody },
    response: { status: 200 },
  },
  {
    operationId: 'listInvites',
    method: 'GET',
    path: periodInvites,
    function: 'invites',
    auth: 'jwt',
    action: 'commitments.view',
    request: { path: periodInvitesPath },
    response: { status: 200 },
  },
  {
    operationId: 'respondToInvite',
    method: 'POST',
    path: '/v1/projects/{projectId}/invites/{inviteId}/response',
    function: 'invites',
    auth: 'jwt',
    action: 'invites.respond',
    request: { path: invitePath, body: respondToInviteBody },
    response: { status: 200 },
  },
  {
    operationId: 'resendInvite',
    method: 'POST',
    path: '/v1/projects/{projectId}/invites/{inviteId}/resend',
    function: 'invites',
    auth: 'jwt',
    action: ['invites.send', 'commitments.view'],
    request: { path: invitePath },
    response: { status: 200 },
  },
] as const satisfies readonly RouteDefinition[];
