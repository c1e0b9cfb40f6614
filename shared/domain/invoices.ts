/** The vocabulary of subcontractor invoices (docs/domain.md "Invoices"). */
export const invoiceStatuses = ['draft', 'under_review', 'revise_and_resubmit', 'approved', 'approved_as_noted', 'pending_owner_approval'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

export const invoicePaymentStatuses = ['unpaid', 'partially_paid', 'paid'] as const;
export type InvoicePaymentStatus = (typeof invoicePaymentStatuses)[number];

/** A progress invoice bills work and materials (and may release retainage); a retainage release only releases. */
export const invoiceKinds = ['progress', 'retainage_release'] as const;
export type InvoiceKind = (typeof invoiceKinds)[number];
