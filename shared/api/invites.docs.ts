/** The invites routes' documentation (summaries, tags, what they answer, with the answers' schemas): read by the OpenAPI document only, so no handler bundles it. */
import * as z from '../zod';
import { inviteEmailStatuses, inviteRefusalReasons, inviteStatuses } from '../domain/invites';
import { inviteActions } from '../domain/allowed-actions';
import { allowedActionsField, personRef } from './common';
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { inviteRoutes } from './invites';
import { invoiceType } from './invites';

const inviteAllowedActions = allowedActionsField(inviteActions, 'InviteAction');
const refusalReason = z.withMeta(z.enum(inviteRefusalReasons), { id: 'InviteRefusalReason' });
const inviteStatus = z.enum(inviteStatuses);
const emailStatus = z.withMeta(z.enum(inviteEmailStatuses), { description: 'Delivery of the invite (and reminder) emails' });

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

export const inviteDocs = {
  sendInvites: {
    summary: 'Invite the contacts of these commitments to bill the open period; preconditions reported per commitment',
    tags: ['invites'],
    response: { description: 'Who was invited and who was refused, and why', schema: sendInvitesResponse },
  },
  listInvites: {
    summary: 'Every visible commitment with its invite status for the period, and counts per status',
    tags: ['invites'],
    response: { description: 'The period’s invites', schema: periodInvitesResponse },
  },
  respondToInvite: {
    summary: 'An invoice contact accepts or declines the invite to bill',
    tags: ['invites'],
    response: { description: 'The invite, answered (ETag: its version)', schema: inviteResponse },
  },
  resendInvite: {
    summary: 'Send an invite’s emails again when they failed or are stuck (pending for over 10 minutes); contacts who got it get nothing more',
    tags: ['invites'],
    response: { description: 'The invite, its emails pending again (ETag: its version)', schema: inviteResponse },
  },
} satisfies Record<OperationIdOf<typeof inviteRoutes>, RouteDocs>;
