/**
 * What the caller may do next with a commitment, an invoice, a billing period or an invite: the
 * `allowedActions` every answer carries, so a frontend shows the buttons without re-implementing
 * the permission matrix. One definition: each action's refusal is the policy (permission-rules.ts) and
 * the rule functions the routes enforce, and the routes enforce through these same functions.
 * Pure: the caller's membership, the record and the facts the rules need come in.
 */
import { authorize, type ActionRule, type GuardedRecord, type Membership } from './permissions';
import type { InvoiceStatus } from './invoices';
import { deadlineRefusal, deletionRefusal, editRefusal, invoiceRole, statusWords } from './invoice-rules';
import { contactSendRefusal, statusChangeAction, transitionRefusal } from './invoice-workflow';
import { invitesClosedRefusal, resendRefusal } from './invites';
import { billingPeriodsEdit, billingPeriodsManage, changeOrdersEdit, commitmentsEdit, commitmentsView, invitesRespond, invitesSend, invoicesCreateAsContact, invoicesCreateOnBehalf, invoicesDelete, invoicesForward, invoicesReview, paymentsAdd, sovEdit } from './permission-rules';

/** A refused action as the route answers it: 404 (not visible), 403 (not permitted), 409 (not now). */
export interface ActionRefusal {
  status: 403 | 404 | 409;
  detail: string;
}

const byPolicy = (rule: ActionRule, member: Membership | undefined, record?: GuardedRecord): ActionRefusal | undefined => {
  const decision = authorize(rule, member, record);
  return decision.allowed ? undefined : decision;
};
const notNow = (detail: string | undefined): ActionRefusal | undefined => (detail === undefined ? undefined : { status: 409, detail });
/** The first refusal of a sequence of checks, each evaluated only when the earlier ones passed. */
const firstOf = (...checks: Array<() => ActionRefusal | undefined>): ActionRefusal | undefined => {
  for (const check of checks) {
    const refusal = check();
    if (refusal) return refusal;
  }
  return undefined;
};
const allowedOf = <A extends string>(actions: readonly A[], refusal: (action: A) => ActionRefusal | undefined): A[] =>
  actions.filter((action) => !refusal(action));

// ---------------------------------------------------------------------------------------------
// Invoices

export const invoiceActions = [
  'edit',
  'upload_attachment',
  'submit',
  'approve',
  'approve_as_noted',
  'revise_and_resubmit',
  'mark_pending_owner_approval',
  'return_to_draft',
  'review_lines',
  'forward',
  'delete',
] as const;
export type InvoiceAction = (typeof invoiceActions)[number];

/** The status each status-changing action sets (POST …/invoices/{invoiceId}/status). */
export const statusChangeTargets = {
  submit: 'under_review',
  approve: 'approved',
  approve_as_noted: 'approved_as_noted',
  revise_and_resubmit: 'revise_and_resubmit',
  mark_pending_owner_approval: 'pending_owner_approval',
  return_to_draft: 'draft',
} as const satisfies Partial<Record<InvoiceAction, InvoiceStatus>>;
export type StatusChangeAction = keyof typeof statusChangeTargets;

/** The invoice action that sets `status`. */
export const actionSetting = (status: InvoiceStatus): StatusChangeAction =>
  (Object.keys(statusChangeTargets) as StatusChangeAction[]).find((action) => statusChangeTargets[action] === status)!;

export interface InvoiceActionContext {
  member: Membership | undefined;
  /** The invoice's commitment: visibility, contacts. */
  commitment: GuardedRecord;
  invoice: { status: InvoiceStatus; paymentStatus: string; paidCents: number };
  /** No later invoice of the commitment exists. */
  isLatest: boolean;
  /** The invoice's billing period; undefined when it no longer exists. */
  period: { status: 'open' | 'closed'; dueDate: string } | undefined;
  /** Today in the project's time zone (YYYY-MM-DD). */
  today: string;
}

/** Why the caller may not take `action` on the invoice now, or undefined when they may. */
export function invoiceActionRefusal(action: InvoiceAction, ctx: InvoiceActionContext): ActionRefusal | undefined {
  const { member, commitment, invoice, isLatest, period, today } = ctx;
  // The caller's role is read only by the actions that depend on it: the wiring test
  // (test/unit/route-actions.test.ts) counts what each action's case reaches.
  switch (action) {
    case 'edit': {
      const asContact = invoiceRole(member, commitment) === 'contact';
      return firstOf(
        // An invoice administrator edits on the contacts' behalf; anyone else is refused as one would be.
        () => (asContact ? undefined : byPolicy(invoicesCreateOnBehalf, member, commitment)),
        () => notNow(editRefusal(invoice.status)),
        () => (asContact && period?.status !== 'open' ? notNow('The invoice’s billing period is closed; an invoice administrator can still edit it.') : undefined),
        () => (asContact ? notNow(deadlineRefusal({ dueDate: period!.dueDate, today, onBehalf: 'still edit it' })) : undefined),
        () => (isLatest ? undefined : notNow('Only the latest invoice of the commitment can be edited.')),
      );
    }
    case 'upload_attachment': {
      const role = invoiceRole(member, commitment);
      return firstOf(
        // Neither administrator nor contact: refused as a contact would be.
        () => (role ? undefined : byPolicy(invoicesCreateAsContact, member, commitment)),
        () => notNow(editRefusal(invoice.status, 'its attachments')),
        () => (isLatest ? undefined : notNow('Only the latest invoice of a commitment can be changed; a later invoice exists.')),
        () => (role === 'contact' && period ? notNow(deadlineRefusal({ dueDate: period.dueDate, today, onBehalf: 'change the invoice' })) : undefined),
      );
    }
    case 'review_lines':
      return firstOf(
        () => byPolicy(invoicesReview, member, commitment),
        () =>
          invoice.status === 'under_review'
            ? undefined
            : notNow(`Only an invoice under review can be reviewed line by line; this one is ${statusWords[invoice.status]}.`),
      );
    case 'forward':
      return byPolicy(invoicesForward, member, commitment);
    case 'delete':
      return firstOf(
        () => byPolicy(invoicesDelete, member, commitment),
        () => notNow(deletionRefusal(invoice)),
        () => (isLatest ? undefined : notNow('Only the latest invoice of the commitment can be deleted.')),
      );
    default:
      return statusChangeRefusal(statusChangeTargets[action], ctx);
  }
}

/**
 * Why the caller may not move the invoice to `to` now (POST …/status), or undefined: the policy
 * action for the caller's role, the transition rule, and for a contact the due date and latest invoice.
 */
export function statusChangeRefusal(to: InvoiceStatus, ctx: InvoiceActionContext): ActionRefusal | undefined {
  const { member, commitment, invoice, isLatest, period, today } = ctx;
  const role = invoiceRole(member, commitment) ?? 'contact';
  return firstOf(
    () => byPolicy(statusChangeAction(role, invoice.status, to), member, commitment),
    () => notNow(transitionRefusal(role, invoice.status, to)),
    () => (role === 'contact' && !period ? notNow('The invoice’s billing period no longer exists.') : undefined),
    () => (role === 'contact' ? notNow(contactSendRefusal({ isLatest, dueDate: period!.dueDate, today })) : undefined),
  );
}

export const invoiceAllowedActions = (ctx: InvoiceActionContext): InvoiceAction[] => allowedOf(invoiceActions, (action) => invoiceActionRefusal(action, ctx));

// ---------------------------------------------------------------------------------------------
// Commitments

export const commitmentActions = ['edit', 'edit_sov', 'create_change_order', 'add_payment'] as const;
export type CommitmentAction = (typeof commitmentActions)[number];

export interface CommitmentActionContext {
  member: Membership | undefined;
  commitment: GuardedRecord & { paymentsIssuedEnabled: boolean };
}

export function commitmentActionRefusal(action: CommitmentAction, { member, commitment }: CommitmentActionContext): ActionRefusal | undefined {
  switch (action) {
    case 'edit':
      return byPolicy(commitmentsEdit, member, commitment);
    case 'edit_sov':
      return byPolicy(sovEdit, member, commitment);
    case 'create_change_order':
      return byPolicy(changeOrdersEdit, member, commitment);
    case 'add_payment':
      return firstOf(
        () => byPolicy(paymentsAdd, member, commitment),
        () =>
          commitment.paymentsIssuedEnabled
            ? undefined
            : notNow('Payments issued are not enabled on this commitment; an admin enables the tab first (paymentsIssuedEnabled).'),
      );
  }
}

export const commitmentAllowedActions = (ctx: CommitmentActionContext): CommitmentAction[] =>
  allowedOf(commitmentActions, (action) => commitmentActionRefusal(action, ctx));

// ---------------------------------------------------------------------------------------------
// Billing periods

export const billingPeriodActions = ['edit', 'close', 'delete', 'send_invites'] as const;
export type BillingPeriodAction = (typeof billingPeriodActions)[number];

export interface BillingPeriodActionContext {
  member: Membership | undefined;
  period: { status: 'open' | 'closed'; position: number; startDate: string; endDate: string; dueDate: string; invoiceCount: number };
  /** Today in the project's time zone (YYYY-MM-DD). */
  today: string;
}

export function billingPeriodActionRefusal(action: BillingPeriodAction, { member, period, today }: BillingPeriodActionContext): ActionRefusal | undefined {
  const named = `Billing period ${period.position} (${period.startDate} – ${period.endDate})`;
  switch (action) {
    case 'edit':
      return byPolicy(billingPeriodsEdit, member);
    case 'close':
      return firstOf(
        () => byPolicy(billingPeriodsManage, member),
        () => (period.status === 'open' ? undefined : notNow(`${named} is already closed.`)),
      );
    case 'delete':
      return firstOf(
        () => byPolicy(billingPeriodsManage, member),
        () =>
          period.invoiceCount > 0
            ? notNow(`${named} is used by ${period.invoiceCount} invoice${period.invoiceCount === 1 ? '' : 's'}; it cannot be deleted.`)
            : undefined,
      );
    case 'send_invites':
      return firstOf(
        () => byPolicy(invitesSend, member),
        () => notNow(sendInvitesRefusal(period, today)),
      );
  }
}

/** Why invites cannot be sent for the period now (→ 409), or undefined. */
export const sendInvitesRefusal = (period: { status: 'open' | 'closed'; dueDate: string }, today: string): string | undefined => {
  const closed = invitesClosedRefusal(period, today);
  return closed && `Invites are sent for the open billing period, before its due date. ${closed}`;
};

export const billingPeriodAllowedActions = (ctx: BillingPeriodActionContext): BillingPeriodAction[] =>
  allowedOf(billingPeriodActions, (action) => billingPeriodActionRefusal(action, ctx));

// ---------------------------------------------------------------------------------------------
// Invites

export const inviteActions = ['respond', 'resend'] as const;
export type InviteAction = (typeof inviteActions)[number];

export interface InviteActionContext {
  member: Membership | undefined;
  commitment: GuardedRecord;
  invite: { status: string; emailStatus: 'pending' | 'sent' | 'failed'; updatedAt: string };
  period: { status: 'open' | 'closed'; dueDate: string };
  now: Date;
  /** Today in the project's time zone (YYYY-MM-DD). */
  today: string;
}

export function inviteActionRefusal(action: InviteAction, ctx: InviteActionContext): ActionRefusal | undefined {
  const { member, commitment, invite, period, now, today } = ctx;
  const closed = invitesClosedRefusal(period, today);
  switch (action) {
    case 'respond':
      return firstOf(
        () => byPolicy(invitesRespond, member, commitment),
        () => notNow(closed && `Invites are answered while their billing period is open, before its due date. ${closed}`),
      );
    case 'resend':
      return firstOf(
        // Invisible is 404 before a missing level is 403, as everywhere.
        () => byPolicy(commitmentsView, member, commitment),
        () => byPolicy(invitesSend, member),
        () => notNow(closed && `Invites are re-sent while their billing period is open, before its due date. ${closed}`),
        () => notNow(resendRefusal(invite, now)),
      );
  }
}

export const inviteAllowedActions = (ctx: InviteActionContext): InviteAction[] => allowedOf(inviteActions, (action) => inviteActionRefusal(action, ctx));
