/**
 * "My work": what each person has to do next across their projects (issue 11). An invoice or an
 * invite is a task for whoever must act on it in its current state: administrators review,
 * invoice contacts submit, revise and answer. Pure: the state, the members and today come in.
 *
 * Tasks are stored one item per (subject, assignee) so a person's tasks are one Query whatever
 * the number of projects; these functions say which items should exist (written with the state
 * change) and, when a page is read, whether the caller may still act on each one now (the same
 * policy the routes enforce), so a stale item is never shown.
 */
import { authorize, type ActionRule, type GuardedRecord, type Membership } from './permissions';
import { deadlineRefusal } from './invoice-rules';
import type { InvoiceStatus } from './invoices';
import { invitesRespond, invoicesCreateAsContact, invoicesResubmitAsContact, invoicesReview, invoicesSubmitAsContact } from './permission-rules';

export const taskKinds = ['answer_invite', 'create_invoice', 'submit_invoice', 'resubmit_invoice', 'review_invoice'] as const;
export type TaskKind = (typeof taskKinds)[number];

/** A page holds at most this many tasks, so what it refers to fits one BatchGetItem (5 kinds of item × 20 = 100 keys). */
export const maxTaskPage = 20;

/** The policy action each task asks for: the same one the route that does it enforces. */
export const taskActions = {
  answer_invite: invitesRespond,
  create_invoice: invoicesCreateAsContact,
  submit_invoice: invoicesSubmitAsContact,
  resubmit_invoice: invoicesResubmitAsContact,
  review_invoice: invoicesReview,
} as const satisfies Record<TaskKind, ActionRule>;

/** Who a task is for: the project's invoice administrators or the commitment's invoice contacts. */
export type Audience = 'administrators' | 'contacts';
export const audienceOf = (kind: TaskKind): Audience => (kind === 'review_invoice' ? 'administrators' : 'contacts');

/** The task an invoice in `status` is, if any. */
export function invoiceTaskKind(status: InvoiceStatus): TaskKind | undefined {
  if (status === 'under_review') return 'review_invoice';
  if (status === 'revise_and_resubmit') return 'resubmit_invoice';
  if (status === 'draft') return 'submit_invoice';
  return undefined;
}

/** The task an invite is: unanswered, or accepted while its commitment has no invoice for the period yet. */
export function inviteTaskKind(invite: { status: 'invited' | 'accepted' | 'declined' }, invoiced: boolean): TaskKind | undefined {
  if (invite.status === 'invited') return 'answer_invite';
  if (invite.status === 'accepted' && !invoiced) return 'create_invoice';
  return undefined;
}

/** The user ids a task of `kind` belongs to: the project's administrators or the commitment's contacts. */
export function assigneesOf(kind: TaskKind, people: { administratorIds: readonly string[]; contactIds: readonly string[] }): string[] {
  return [...new Set(audienceOf(kind) === 'administrators' ? people.administratorIds : people.contactIds)];
}

/** Whether the member is one of the project's invoice administrators (reviews every commitment's invoices). */
export const isInvoiceAdministrator = (member: Membership): boolean => authorize(invoicesReview, member).allowed;

/** What the caller's standing in a subject is, now, as the read of a page finds it. */
export interface TaskState {
  member: Membership | undefined;
  commitment: GuardedRecord | undefined;
  /** The task the subject is in its current state (invoiceTaskKind / inviteTaskKind), undefined when none. */
  currentKind: TaskKind | undefined;
  /** The billing period: open, and its due date (YYYY-MM-DD, project time). Undefined: the period is gone. */
  period: { status: 'open' | 'closed'; dueDate: string } | undefined;
  /** Today in the project's time zone (YYYY-MM-DD). */
  today: string;
}

/**
 * Why the caller may not act on a task of `kind` now (the item is then not shown), or undefined
 * when they may: the subject is still in that state, the policy allows the action on the
 * commitment, and a contact's deadline has not passed (invites: the period is open, not past due).
 */
export function taskRefusal(kind: TaskKind, state: TaskState): string | undefined {
  if (state.currentKind !== kind) return 'The subject has moved on from this task.';
  if (!state.commitment || !state.period) return 'The commitment or its billing period is gone.';
  const decision = authorize(taskActions[kind], state.member, state.commitment);
  if (!decision.allowed) return decision.detail;
  if (kind === 'answer_invite' && state.period.status !== 'open') return 'The billing period is closed.';
  if (audienceOf(kind) === 'contacts') return deadlineRefusal({ dueDate: state.period.dueDate, today: state.today, onBehalf: 'do it' });
  return undefined;
}
