/**
 * Invoices as the caller sees them, with `allowedActions`, and the context the routes enforce
 * those same actions with (shared/domain/allowed-actions.ts): one decision for both.
 */
import { loadInvoiceActionFacts } from '../db/invoice-action-facts';
import type { InvoiceItem } from '../db/invoices';
import type { CommitmentItem } from '../db/commitments';
import { localDate } from '../domain/billing-periods';
import { invoiceAllowedActions, type InvoiceActionContext } from '../domain/allowed-actions';
import type { Membership } from '../domain/permissions';
import { toInvoiceListItem, toInvoiceResponse, type InvoiceListItemResponse, type InvoiceResponse } from '../api/invoices';
import { etagFor } from './etag';

interface InvoiceAccess {
  member: Membership;
  project: { timeZone: string };
  invoice: InvoiceItem;
  commitment: CommitmentItem;
}

/** Each invoice's action context: whether it is the latest and its period in one BatchGet, today in the project's time zone. */
export async function invoiceActionContexts(
  member: Membership,
  project: { timeZone: string },
  items: ReadonlyArray<{ invoice: InvoiceItem; commitment: CommitmentItem }>,
  now = new Date(),
): Promise<InvoiceActionContext[]> {
  const facts = await loadInvoiceActionFacts(items.map((item) => item.invoice));
  const today = localDate(now, project.timeZone);
  return items.map(({ invoice, commitment }) => {
    const { isLatest, period } = facts.get(invoice.invoiceId)!;
    return { member, commitment, invoice, isLatest, period, today };
  });
}

export async function invoiceActionContext(access: InvoiceAccess, now = new Date()): Promise<InvoiceActionContext> {
  const [context] = await invoiceActionContexts(access.member, access.project, [access], now);
  return context!;
}

/** The invoice as the caller sees it now, with what they may do with it. */
export async function invoiceView(access: InvoiceAccess): Promise<InvoiceResponse> {
  return toInvoiceResponse(access.invoice, invoiceAllowedActions(await invoiceActionContext(access)));
}

/** An answer with the invoice and its ETag. */
export async function invoiceReply(access: InvoiceAccess, status?: 200 | 201) {
  return { ...(status ? { status } : {}), body: await invoiceView(access), headers: { etag: etagFor(access.invoice.version) } };
}

/** A page of invoices as the caller sees them, each with its commitment's names and its allowed actions. */
export async function invoiceListView(
  member: Membership,
  project: { timeZone: string },
  items: ReadonlyArray<{ invoice: InvoiceItem; commitment: CommitmentItem }>,
): Promise<InvoiceListItemResponse[]> {
  const contexts = await invoiceActionContexts(member, project, items);
  return items.map(({ invoice, commitment }, index) => toInvoiceListItem(invoice, commitment, invoiceAllowedActions(contexts[index]!)));
}
