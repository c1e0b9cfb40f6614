import * as z from '../zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoiceTypes } from '../domain/project-settings';
import type { InviteItem } from '../db/invites';
import { inviteEmailStatuses, inviteIdOf, inviteRefusalReasons, inviteStatuses } from '../domain/invites';
import { inviteActions, type InviteAction } from '../domain/allowed-actions';
import { allowedActionsField, personRef } from './common';

const inviteAllowedActions = allowedActionsField(inviteActions, 'InviteAction');

const id = z.string().check(z.minLength(1), z.maxLength(100));

export const periodInvitesPath = z.object({ projectId: id, billingPeriodId: id });
export const invitePath = z.object({
  projectId: id,
  inviteId: z.withMeta(z.string().check(z.minLength(3), z.maxLength(201)), { description: '`<billingPeriodId>.<commitmentId>`' }),
});

const invoiceType = z.withMeta(z.enum(invoiceTypes), { description: 'What the contact is invited to bill' });
const refusalReason = z.withMeta(z.enum(inviteRefusalReasons), { id: 'InviteRefusalReason' });

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

export const sendInvitesResponse = z.withMeta(
  z.object({
    invited: z.array(z.object({ commitmentId: z.string(), inviteId: z.string() })),
    refused: z.array(
      z.object({
        commitmentId: z.string(),
        reason: refusalReason,
        detail: z.string(),
      }),
    ),
  }),
  { id: 'SendInvitesResult', description: 'Each requested commitment, invited or refused with the precondition it failed' },
);

export const respondToInviteBody = z.withMeta(
  z.strictObject({ accept: z.withMeta(z.boolean(), { description: 'true: bill this period (accepted); false: declined' }) }),
  { id: 'InviteResponse' },
);

const inviteStatus = z.enum(inviteStatuses);
const emailStatus = z.withMeta(z.enum(inviteEmailStatuses), { description: 'Delivery of the invite (and reminder) emails' });

export const inviteResponse = z.withMeta(
  z.object({
    inviteId: z.string(),
    projectId: z.string(),
    billingPeriodId: z.string(),
    commitmentId: z.string(),
    status: inviteStatus,
    invoiceType,
    contactIds: z.array(z.string()),
    invitedBy: z.string(),
    invitedAt: z.iso.datetime(),
    emailStatus,
    emailError: z.nullable(z.string()),
    reminderSentAt: z.nullable(z.iso.datetime()),
    respondedBy: z.nullable(z.string()),
    respondedAt: z.nullable(z.iso.datetime()),
    version: z.number().check(z.int()),
    allowedActions: inviteAllowedActions,
  }),
  { id: 'Invite', description: 'The invite to bill of one commitment for one billing period' },
);
export type InviteResponse = z.infer<typeof inviteResponse>;

export const periodInviteRow = z.withMeta(
  z.object({
    commitmentId: z.string(),
    number: z.string(),
    title: z.string(),
    vendorName: z.string(),
    status: z.enum(['not_invited', ...inviteStatuses]),
    contactIds: z.withMeta(z.array(z.string()), { description: 'The invoice contacts (user ids): those the invite was sent to, else the commitment’s' }),
    contacts: z.withMeta(z.array(personRef), { description: 'The same contacts with their names (one BatchGet for the list)' }),
    inviteId: z.nullable(z.string()),
    invoiceType: z.nullable(invoiceType),
    emailStatus: z.nullable(emailStatus),
    emailError: z.nullable(z.string()),
    invitedAt: z.nullable(z.iso.datetime()),
    respondedAt: z.nullable(z.iso.datetime()),
    reminderSentAt: z.nullable(z.iso.datetime()),
    allowedActions: z.withMeta(inviteAllowedActions, { description: 'What the caller may do with the invite now; empty when the commitment is not invited' }),
  }),
  { id: 'PeriodInviteRow' },
);
export type PeriodInviteRow = z.infer<typeof periodInviteRow>;

export const periodInvitesResponse = z.withMeta(
  z.object({
    items: z.withMeta(z.array(periodInviteRow), { description: 'Every commitment the caller can see, by number' }),
    counts: z.object({
      notInvited: z.number().check(z.int()),
      invited: z.number().check(z.int()),
      accepted: z.number().check(z.int()),
      declined: z.number().check(z.int()),
    }),
  }),
  { id: 'PeriodInvites' },
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
    summary: 'Invite the contacts of these commitments to bill the open period; preconditions reported per commitment',
    tags: ['invites'],
    request: { path: periodInvitesPath, body: sendInvitesBody },
    response: { status: 200, description: 'Who was invited and who was refused, and why', schema: sendInvitesResponse },
  },
  {
    operationId: 'listInvites',
    method: 'GET',
    path: periodInvites,
    function: 'invites',
    auth: 'jwt',
    action: 'commitments.view',
    summary: 'Every visible commitment with its invite status for the period, and counts per status',
    tags: ['invites'],
    request: { path: periodInvitesPath },
    response: { status: 200, description: 'The period’s invites', schema: periodInvitesResponse },
  },
  {
    operationId: 'respondToInvite',
    method: 'POST',
    path: '/v1/projects/{projectId}/invites/{inviteId}/response',
    function: 'invites',
    auth: 'jwt',
    action: 'invites.respond',
    summary: 'An invoice contact accepts or declines the invite to bill',
    tags: ['invites'],
    request: { path: invitePath, body: respondToInviteBody },
    response: { status: 200, description: 'The invite, answered (ETag: its version)', schema: inviteResponse },
  },
  {
    operationId: 'resendInvite',
    method: 'POST',
    path: '/v1/projects/{projectId}/invites/{inviteId}/resend',
    function: 'invites',
    auth: 'jwt',
    action: ['invites.send', 'commitments.view'],
    summary: 'Send an invite’s emails again when they failed or are stuck (pending for over 10 minutes); contacts who got it get nothing more',
    tags: ['invites'],
    request: { path: invitePath },
    response: { status: 200, description: 'The invite, its emails pending again (ETag: its version)', schema: inviteResponse },
  },
] as const satisfies readonly RouteDefinition[];

/** The API's view of a stored invite: absent optional fields as null. */
export function toInviteResponse(item: InviteItem, allowedActions: InviteAction[]): InviteResponse {
  return {
    inviteId: inviteIdOf(item.billingPeriodId, item.commitmentId),
    projectId: item.projectId,
    billingPeriodId: item.billingPeriodId,
    commitmentId: item.commitmentId,
    status: item.status,
    invoiceType: item.invoiceType,
    contactIds: [...item.contactIds],
    invitedBy: item.invitedBy,
    invitedAt: item.invitedAt,
    emailStatus: item.emailStatus,
    emailError: item.emailError ?? null,
    reminderSentAt: item.reminderSentAt ?? null,
    respondedBy: item.respondedBy ?? null,
    respondedAt: item.respondedAt ?? null,
    version: item.version,
    allowedActions,
  };
}
