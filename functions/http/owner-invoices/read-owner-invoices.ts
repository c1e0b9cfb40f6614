import type { HttpInput, Reply } from '../../../shared/http/handler';
import { etagFor } from '../../../shared/http/etag';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { ownerInvoiceDeadlines } from '../../../shared/http/payment-deadlines';
import { toOwnerInvoiceListItem, toOwnerInvoiceResponse } from '../../../shared/api/owner-invoice-views';
import { headContractFor, ownerInvoiceFor } from './shared';
import { ownerInvoiceEntities } from './entities';
import { ownerInvoicesView } from '../../../shared/domain/permission-rules';

export async function listOwnerInvoices({ path, query, caller }: HttpInput<'listOwnerInvoices'>): Promise<Reply> {
  const { project, contract } = await headContractFor(ownerInvoicesView, path, caller.userId);
  const scope = `owner-invoices:${contract.projectId}:${contract.headContractId}`;
  const page = await ownerInvoiceEntities()
    .OwnerInvoice.query.byHeadContract({ projectId: contract.projectId, headContractId: contract.headContractId })
    .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
  const deadlines = await Promise.all(page.data.map((item) => ownerInvoiceDeadlines(project, contract, item)));
  return { body: { items: page.data.map((item, index) => toOwnerInvoiceListItem(item, deadlines[index])), nextCursor: encodeCursor(scope, page.cursor) } };
}

export async function getOwnerInvoice({ path, caller }: HttpInput<'getOwnerInvoice'>): Promise<Reply> {
  const { invoice, project, contract } = await ownerInvoiceFor(ownerInvoicesView, path, caller.userId);
  return { body: toOwnerInvoiceResponse(invoice, await ownerInvoiceDeadlines(project, contract, invoice)), headers: { etag: etagFor(invoice.version) } };
}

export async function getOwnerInvoiceHistory({ path, caller }: HttpInput<'getOwnerInvoiceHistory'>): Promise<Reply> {
  const { invoice } = await ownerInvoiceFor(ownerInvoicesView, path, caller.userId);
  const { data } = await ownerInvoiceEntities().InvoiceEvent.query.byInvoice({ projectId: invoice.projectId, invoiceId: invoice.ownerInvoiceId }).go({ pages: 'all' });
  return {
    body: {
      items: data.map((event) => ({
        type: event.type,
        by: event.by,
        at: event.at,
        fromStatus: event.fromStatus ?? null,
        toStatus: event.toStatus ?? null,
        comment: event.comment ?? null,
        changes: event.changes ?? null,
      })),
    },
  };
}
