/**
 * "May this happen to the invoice now?" — each rule once, pure (docs/domain.md "Invoices").
 * Handlers ask these before writing; the write conditions (shared/db/conditions.ts) read the
 * same status lists, so a rule and its guard against races cannot drift apart.
 */
import { authorize, type GuardedRecord, type Membership } from './permissions';
import type { InvoiceKind, InvoiceStatus } from './invoices';
import { invoicesCreateAsContact, invoicesReview } from './permission-rules';

/** Statuses in which an invoice (its lines, its attachments) can be changed, and that a contact sends for review from. */
export const editableStatuses = ['draft', 'revise_and_resubmit'] as const satisfies readonly InvoiceStatus[];
/** The previous invoice must have left review before the next one builds on its figures. */
export const settledStatuses = ['approved', 'approved_as_noted', 'pending_owner_approval'] as const satisfies readonly InvoiceStatus[];
/** Never deleted: approved invoices (and paid ones, by payment status). */
export const undeletableStatuses = ['approved', 'approved_as_noted'] as const satisfies readonly InvoiceStatus[];

const among = (statuses: readonly InvoiceStatus[], status: InvoiceStatus) => statuses.includes(status);
export const isEditable = (status: InvoiceStatus): boolean => among(editableStatuses, status);

/** An invoice administrator (acts on the contacts' behalf, reviews) or one of the commitment's invoice contacts. */
export type InvoiceRole = 'administrator' | 'contact';

/** The caller's part in a commitment's invoices, or undefined when it has neither. */
export function invoiceRole(member: Membership | undefined, commitment: GuardedRecord): InvoiceRole | undefined {
  if (authorize(invoicesReview, member, commitment).allowed) return 'administrator';
  if (authorize(invoicesCreateAsContact, member, commitment).allowed) return 'contact';
  return undefined;
}

/**
 * Contacts cannot act after the billing period's due date, in the project's time zone; an
 * administrator can do it for them. `today` and `dueDate` are local dates (YYYY-MM-DD);
 * `onBehalf` says what the administrator can still do ("edit it").
 */
export function deadlineRefusal(input: { dueDate: string; today: string; onBehalf: string }): string | undefined {
  if (input.today <= input.dueDate) return undefined;
  return `The billing period was due on ${input.dueDate} and it is ${input.today} in the project’s time zone; an invoice administrator can ${input.onBehalf} on your behalf.`;
}

/** Why the invoice cannot be changed in its status (→ 409), or undefined. `what` names the change, e.g. "its attachments". */
export function editRefusal(status: InvoiceStatus, what = 'it'): string | undefined {
  if (isEditable(status)) return undefined;
  return `The invoice is ${statusWords[status]}; ${what} can be changed only while it is a draft or sent back to revise & resubmit.`;
}

/** Why a new invoice of `kind` cannot follow the commitment's latest ones (→ 409), or undefined. */
export function creationRefusal(input: {
  kind: InvoiceKind;
  latest?: { number: string; status: InvoiceStatus };
  sameKindInPeriod?: { number: string };
  sovLineCount: number;
  /** What the invoices bill: a commitment, or a head contract (owner invoices). */
  contract?: 'commitment' | 'head contract';
}): string | undefined {
  const contract = input.contract ?? 'commitment';
  if (input.sameKindInPeriod) return `This ${contract} already has a ${input.kind.replace('_', ' ')} invoice (${input.sameKindInPeriod.number}) in the open period.`;
  if (input.latest && !among(settledStatuses, input.latest.status)) {
    return `The previous invoice ${input.latest.number} is ${statusWords[input.latest.status]}; the next one can be created once it is approved.`;
  }
  if (input.sovLineCount === 0) return `The ${contract} has no schedule of values lines to invoice.`;
  return undefined;
}

/** Why the invoice cannot be deleted (→ 409), or undefined: never once approved or paid. */
export function deletionRefusal(invoice: { status: InvoiceStatus; paymentStatus: string; paidCents: number }): string | undefined {
  if (among(undeletableStatuses, invoice.status)) return `The invoice is ${statusWords[invoice.status]}; an approved invoice is never deleted.`;
  if (invoice.paymentStatus !== 'unpaid' || invoice.paidCents > 0) return `The invoice is ${invoice.paymentStatus.replace(/_/g, ' ')}; a paid invoice is never deleted.`;
  return undefined;
}

export type InvoiceNotificationKind = 'submitted' | 'resubmitted' | 'revise_and_resubmit' | 'approved' | 'approved_as_noted';

/** The email a status change sends, if any; approvals only when the project notifies contacts of them. */
export function notificationKind(project: { notifyContactsOnApproval: boolean }, from: InvoiceStatus, to: InvoiceStatus): InvoiceNotificationKind | undefined {
  if (from === to) return undefined;
  if (to === 'under_review') return from === 'revise_and_resubmit' ? 'resubmitted' : 'submitted';
  if (to === 'revise_and_resubmit') return 'revise_and_resubmit';
  if ((to === 'approved' || to === 'approved_as_noted') && project.notifyContactsOnApproval) return to;
  return undefined;
}

export const statusWords: Record<InvoiceStatus, string> = {
  draft: 'draft',
  under_review: 'under review',
  revise_and_resubmit: 'revise & resubmit',
  approved: 'approved',
  approved_as_noted: 'approved as noted',
  pending_owner_approval: 'pending owner approval',
};
