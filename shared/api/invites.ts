import * as z from 'zod';
import type { RouteDefinition } from '../wiring/route-definition';
import { invoiceTypes } from '../domain/project-settings';
import type { InviteItem } from '../db/invites';
import { inviteEmailStatuses, inviteIdOf, inviteRefusalReasons, inviteStatuses } from '../domain/invites';
import { inviteActions, type InviteAction } from '../domain/allowed-actions';
import { allowedActionsField, personRef } from './common';

const inviteAllowedActions = allowedActionsField(inviteActions, 'InviteAction');

const id = z.string().min(1).max(100);

export const periodInvitesPath = z.object({ projectId: id, billingPeriodId: id });
export const invitePath = z.object({
  projectId: id,
  inviteId: z.string().min(3).max(201).meta({ description: '`<billingPeriodId>.<commitmentId>`' }),
});

const invoiceType = z.enum(invoiceTypes).meta({ description: 'What the contact is invited to bill' });
const refusalReason = z.enum(inviteRefusalReasons).meta({ id: 'InviteRefusalReason' });

export const sendInvitesBody = z
  .object({
    commitmentIds: z
      .array(id)
      .min(1)
      .max(500)
      .superRefine((ids, ctx) => {
        const seen = new Set<string>();
        ids.forEach((commitmentId, index) => {
          if (seen.has(commitmentId)) ctx.addIssue({ code: 'custom', path: [index], message: `${commitmentId} is listed more than once` });
          seen.add(commitmentId);
        });
      })
      .meta({ description: '1–500 distinct commitments of the project' }),
    invoiceType,
  })
  .strict()
  .meta({ id: 'SendInvites' });

export const sendInvitesResponse = z
  .object({
    invited: z.array(z.object({ commitmentId: z.string(), inviteId: z.string() })),
    refused: z.array(
      z.object({
        commitmentId: z.string(),
        reason: refusalReason,
        detail: z.string(),
      }),
    ),
  })
  .meta({ id: 'SendInvitesResult', description: 'Each requested commitment, invited or refused with the precondition it failed' });

export const respondToInviteBody = z
  .object({ accept: z.boolean().meta({ description: 'true: bill this period (accepted); false: declined' }) })
  .strict()
  .meta({ id: 'InviteResponse' });

const inviteStatus = z.enum(inviteStatuses);
const emailStatus = z.enum(inviteEmailStatuses).meta({ description: 'Delivery of the invite (and reminder) emails' });

export const inviteResponse = z
  .object({
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
    emailError: z.string().nullable(),
    reminderSentAt: z.iso.datetime().nullable(),
    respondedBy: z.string().nullable(),
    respondedAt: z.iso.datetime().nullable(),
    version: z.number().int(),
    allowedActions: inviteAllowedActions,
  })
  .meta({ id: 'Invite', description: 'The invite to bill of one commitment for one billing period' });
export type InviteResponse = z.infer<typeof inviteResponse>;

export const periodInviteRow = z
  .object({
    commitmentId: z.string(),
    number: z.string(),
    title: z.string(),
    vendorName: z.string(),
    status: z.enum(['not_invited', ...inviteStatuses]),
    contactIds: z.array(z.string()).meta({ description: 'The invoice contacts (user ids): those the invite was sent to, else the commitment’s' }),
    contacts: z.array(personRef).meta({ description: 'The same contacts with their names (one BatchGet for the list)' }),
    inviteId: z.string().nullable(),
    invoiceType: invoiceType.nullable(),
    emailStatus: emailStatus.nullable(),
    emailError: z.string().nullable(),
    invitedAt: z.iso.datetime().nullable(),
    respondedAt: z.iso.datetime().nullable(),
    reminderSentAt: z.iso.datetime().nullable(),
    allowedActions: inviteAllowedActions.meta({ description: 'What the caller may do with the invite now; empty when the commitment is not invited' }),
  })
  .meta({ id: 'PeriodInviteRow' });
export type PeriodInviteRow = z.infer<typeof periodInviteRow>;

export const periodInvitesResponse = z
  .object({
    items: z.array(periodInviteRow).meta({ description: 'Every commitment the caller can see, by number' }),
    counts: z.object({
      notInvited: z.number().int(),
      invited: z.number().int(),
      accepted: z.number().int(),
      declined: z.number().int(),
    }),
  })
  .meta({ id: 'PeriodInvites' });

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
