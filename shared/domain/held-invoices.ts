/**
 * The project's hold setting (DOMAIN.md "Head contracts and owner invoices"): the subcontractor invoices an owner
 * invoice includes follow its status. Pure; apart from owner-prefill.ts, whose sums need the figures.
 */
import type { InvoiceStatus } from './invoices';

/** A subcontractor invoice's status change that follows an owner invoice's (the project's hold setting). */
export interface HeldInvoiceChange {
  invoiceId: string;
  from: InvoiceStatus;
  to: InvoiceStatus;
}

/**
 * The included subcontractor invoices' status changes when the owner invoice goes to `ownerTo`, with
 * the project's `ownerApprovalHoldsSubcontractorInvoices` on: sent to the owner (under review), those
 * still approved or approved as noted wait at pending_owner_approval; approved by the owner (or sent
 * back to revise & resubmit), those waiting return to the status they had when included. An invoice
 * already pending owner approval when included is another's to release; one changed since is left alone.
 */
export function heldInvoiceChanges(ownerTo: string, included: readonly { invoiceId: string; status: InvoiceStatus }[], current: ReadonlyMap<string, InvoiceStatus>): HeldInvoiceChange[] {
  const releasing = ownerTo === 'approved' || ownerTo === 'approved_as_noted' || ownerTo === 'revise_and_resubmit';
  if (ownerTo !== 'under_review' && !releasing) return [];
  return included.flatMap((invoice): HeldInvoiceChange[] => {
    const now = current.get(invoice.invoiceId);
    if (invoice.status === 'pending_owner_approval' || now === undefined) return [];
    if (ownerTo === 'under_review') return now === invoice.status ? [{ invoiceId: invoice.invoiceId, from: now, to: 'pending_owner_approval' }] : [];
    return now === 'pending_owner_approval' ? [{ invoiceId: invoice.invoiceId, from: now, to: invoice.status }] : [];
  });
}

/** Subcontractor invoices one owner status change may move: each takes two items (status, history) of a transaction's 100, the owner invoice three (status, history, its domain event). */
export const maxHeldInvoices = 48;
