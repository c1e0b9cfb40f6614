/**
 * Owner invoices (payment applications to the owner; DOMAIN.md "Head contracts and owner invoices").
 * Their figures are a subcontractor invoice's (shared/domain/invoice-figures.ts `computeInvoice`), and
 * their edit, creation and deletion rules are those of shared/domain/invoice-rules.ts; what is theirs
 * alone is the status graph: the general contractor sends the invoice to the owner and records the answer.
 */
import { statusWords } from './invoice-rules';
import type { InvoiceStatus } from './invoices';

export const ownerInvoiceStatuses = ['draft', 'under_review', 'revise_and_resubmit', 'approved', 'approved_as_noted'] as const satisfies readonly InvoiceStatus[];
export type OwnerInvoiceStatus = (typeof ownerInvoiceStatuses)[number];

/** The subcontractor invoice statuses whose costs are billed on to the owner (owner-prefill.ts sums them). */
export const prefillStatuses = ['approved', 'approved_as_noted', 'pending_owner_approval'] as const satisfies readonly InvoiceStatus[];
export type PrefillStatus = (typeof prefillStatuses)[number];

/** draft → under_review (sent to the owner) → approved | approved_as_noted | revise_and_resubmit; revised → under_review again. */
const next: Record<OwnerInvoiceStatus, readonly OwnerInvoiceStatus[]> = {
  draft: ['under_review'],
  under_review: ['approved', 'approved_as_noted', 'revise_and_resubmit'],
  revise_and_resubmit: ['under_review'],
  approved: [],
  approved_as_noted: [],
};

/** Why an owner invoice may not go from `from` to `to` (→ 409), or undefined when it may. */
export function ownerTransitionRefusal(from: OwnerInvoiceStatus, to: OwnerInvoiceStatus): string | undefined {
  if (next[from].includes(to)) return undefined;
  const allowed = next[from].map((status) => statusWords[status]);
  return `An owner invoice cannot go from ${statusWords[from]} to ${statusWords[to]}; from ${statusWords[from]} it goes to ${allowed.length ? allowed.join(' or ') : 'nothing else (it is settled)'}.`;
}
