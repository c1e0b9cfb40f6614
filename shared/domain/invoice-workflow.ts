/**
 * The review workflow of a subcontractor invoice (docs/domain.md "Invoices"): which
 * status changes a contact or an invoice administrator may make, the due-date gate on contacts,
 * and the line-by-line review. Pure: the invoice, the caller's role and today's date come in.
 */
import type { ActionRule } from './permissions';
import { InputError, type FieldIssue } from './errors';
import type { InvoiceStatus } from './invoices';
import { deadlineRefusal, isEditable, statusWords, type InvoiceRole } from './invoice-rules';
import { invoicesResubmitAsContact, invoicesReview, invoicesSubmitAsContact } from './permission-rules';

/** An invoice administrator (`invoices.review`) or one of the commitment's invoice contacts. */
export type WorkflowRole = InvoiceRole;

/**
 * The policy action a status change needs. An administrator reviews (any status); anyone else
 * can only send the invoice for review: submitting a draft or resubmitting one sent back.
 */
export function statusChangeAction(role: WorkflowRole, from: InvoiceStatus, to: InvoiceStatus): ActionRule {
  if (role === 'administrator' || to !== 'under_review') return invoicesReview;
  return from === 'revise_and_resubmit' ? invoicesResubmitAsContact : invoicesSubmitAsContact;
}

/** Why `role` may not move an invoice from `from` to `to` (→ 409), or undefined when it may. */
export function transitionRefusal(role: WorkflowRole, from: InvoiceStatus, to: InvoiceStatus): string | undefined {
  if (from === to) return `The invoice is already ${statusWords[from]}; nothing changes from ${statusWords[from]} to ${statusWords[to]}.`;
  if (role === 'administrator') return undefined;
  if (to === 'under_review' && isEditable(from)) return undefined;
  return (
    `An invoice contact can only send a draft or revise & resubmit invoice for review; ` +
    `this invoice cannot go from ${statusWords[from]} to ${statusWords[to]}.`
  );
}

/**
 * The contact's gates on sending an invoice (docs/domain.md: only the latest invoice of the commitment,
 * only before the billing period's due date in the project's time zone). `today` and `dueDate`
 * are local calendar dates (YYYY-MM-DD). Administrators are not gated: they act on the contacts' behalf.
 */
export function contactSendRefusal(input: { isLatest: boolean; dueDate: string; today: string }): string | undefined {
  if (!input.isLatest) return 'Only the latest invoice of a commitment can be sent for review; a later invoice exists.';
  return deadlineRefusal({ dueDate: input.dueDate, today: input.today, onBehalf: 'submit it' });
}

/**
 * Why a bulk item's expectation no longer holds (→ 412 for that item), or undefined when it does:
 * the invoice's version moved, or its status is not the `from` the caller saw.
 */
export function staleExpectationRefusal(expected: { version?: number; from?: InvoiceStatus }, current: { version: number; status: InvoiceStatus }): string | undefined {
  if (expected.version !== undefined && expected.version !== current.version) {
    return `The invoice is at version ${current.version}, not ${expected.version}: it changed since it was read; read it again.`;
  }
  if (expected.from !== undefined && expected.from !== current.status) {
    return `The invoice is ${statusWords[current.status]}, not ${statusWords[expected.from]}: it changed since it was read; read it again.`;
  }
  return undefined;
}

/** Whether an invoice enters review with this change: its previous line decisions are cleared then. */
export const entersReview = (from: InvoiceStatus, to: InvoiceStatus): boolean => to === 'under_review' && from !== 'under_review';

// ---------------------------------------------------------------------------------------------
// Line review

export interface LineDecision {
  lineId: string;
  approved: boolean;
  reason?: string;
}

/** A stored decision on one line (Invoice.lineReviews: lineId → LineReview). */
export interface LineReview {
  approved: boolean;
  reason?: string;
  by: string;
  at: string;
}

export type LineReviews = Record<string, LineReview>;

export interface ReviewInput {
  /** The invoice's line ids, in invoice order. */
  lineIds: readonly string[];
  /** The decisions of this review round so far (cleared when the invoice enters review). */
  current?: LineReviews;
  decisions: readonly LineDecision[];
  /** Approve the invoice too: every line must then be approved. */
  approveInvoice: boolean;
  by: string;
  at: string;
}

export interface ReviewOutcome {
  lineReviews: LineReviews;
  /** Lines rejected in this review round, in invoice order. */
  rejected: Array<{ lineId: string; reason: string }>;
  /** revise_and_resubmit when any line is rejected; approved when asked and every line is approved; otherwise unchanged. */
  toStatus: 'revise_and_resubmit' | 'approved' | 'under_review';
}

/**
 * Applies an administrator's decisions on top of the round's earlier ones. Throws InputError (→ 400
 * naming `decisions.N.field`): an unknown or repeated line, a rejection without a reason;
 * `approveInvoice` while a line is rejected or undecided.
 */
export function reviewLines(input: ReviewInput): ReviewOutcome {
  const issues: FieldIssue[] = [];
  const known = new Set(input.lineIds);
  const seen = new Set<string>();
  input.decisions.forEach((decision, index) => {
    if (!known.has(decision.lineId)) issues.push({ field: `decisions.${index}.lineId`, message: `The invoice has no line ${decision.lineId}.` });
    else if (seen.has(decision.lineId)) issues.push({ field: `decisions.${index}.lineId`, message: `Line ${decision.lineId} is decided twice.` });
    seen.add(decision.lineId);
    if (!decision.approved && !decision.reason?.trim()) {
      issues.push({ field: `decisions.${index}.reason`, message: 'Say why the line is rejected: a reason is required.' });
    }
  });
  if (issues.length) throw new InputError(issues);

  const lineReviews: LineReviews = { ...input.current };
  for (const decision of input.decisions) {
    lineReviews[decision.lineId] = {
      approved: decision.approved,
      ...(decision.reason?.trim() ? { reason: decision.reason.trim() } : {}),
      by: input.by,
      at: input.at,
    };
  }
  const rejected = input.lineIds.flatMap((lineId) => {
    const review = lineReviews[lineId];
    return review && !review.approved ? [{ lineId, reason: review.reason ?? '' }] : [];
  });

  if (input.approveInvoice) {
    const undecided = input.lineIds.filter((lineId) => !lineReviews[lineId]);
    if (rejected.length || undecided.length) {
      const parts = [
        rejected.length ? `${rejected.length} line${rejected.length === 1 ? ' is' : 's are'} rejected` : '',
        undecided.length ? `${undecided.length} line${undecided.length === 1 ? ' has' : 's have'} no decision` : '',
      ].filter(Boolean);
      throw new InputError([{ field: 'approveInvoice', message: `The invoice can be approved only when every line is approved; ${parts.join(' and ')}.` }]);
    }
  }
  const toStatus = rejected.length ? 'revise_and_resubmit' : input.approveInvoice ? 'approved' : 'under_review';
  return { lineReviews, rejected, toStatus };
}
