/**
 * Invoices as the caller sees them, with `allowedActions`, and the context the routes enforce
 * those same actions with (shared/domain/allowed-actions.ts): one decision for both.
 */
import type { InvoiceItem } from '../db/invoices';
import type { CommitmentItem } from '../db/commitments';
import { localDate } from '../domain/billing-periods';
import { invoiceAllowedActions } from '../domain/allowed-actions';
import type { Membership } from '../domain/permissions';
import { toInvoiceListItem, toInvoiceResponse } from '../api/invoice-views';
import type { InvoiceListItemResponse, InvoiceResponse } from '../api/invoice-answers';
import { etagFor } from './etag';
import { invoicePaymentDeadlines } from './payment-deadlines';
import { loadActionContexts, type InvoiceAccess, type RegionalProject } from './invoice-action-context';
export { invoiceActionContext, invoiceActionContexts } from './invoice-action-context';

/** The invoice as the caller sees it now, with what they may do with it. */
export async function invoiceView(access: InvoiceAccess): Promise<InvoiceResponse> {
  const [context] = await loadActionContexts(access.member, access.project, [access], new Date());
  const [deadlines] = await invoicePaymentDeadlines(access.project, [{ ...access, period: context!.billingPeriod }], context!.today);
  return toInvoiceResponse(access.invoice, invoiceAllowedActions(context!), deadlines);
}

/** An answer with the invoice and its ETag. */
export async function invoiceReply(access: InvoiceAccess, status?: 200 | 201) {
  return { ...(status ? { status } : {}), body: await invoiceView(access), headers: { etag: etagFor(access.invoice.version) } };
}

/** A page of invoices as the caller sees them, each with its commitment's names and its allowed actions. */
export async function invoiceListView(
  member: Membership,
  project: RegionalProject,
  items: ReadonlyArray<{ invoice: InvoiceItem; commitment: CommitmentItem }>,
  now = new Date(),
): Promise<InvoiceListItemResponse[]> {
  const contexts = await loadActionContexts(member, project, items, now);
  const deadlines = await invoicePaymentDeadlines(project, items.map((item, index) => ({ ...item, period: contexts[index]!.billingPeriod })), localDate(now, project.timeZone));
  return items.map(({ invoice, commitment }, index) => toInvoiceListItem(invoice, commitment, invoiceAllowedActions(contexts[index]!), deadlines[index]));
}
