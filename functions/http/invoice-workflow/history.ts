import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce } from '../../../shared/http/access';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { db } from '../../../shared/db/service';
import type { InvoiceEventItem } from '../../../shared/db/invoices';
import type { InvoiceHistoryEventResponse } from '../../../shared/api/invoice-workflow';
import { load } from './access';

function toHistoryEvent(event: InvoiceEventItem): InvoiceHistoryEventResponse {
  return {
    eventId: event.eventKey,
    type: event.type,
    by: event.by,
    at: event.at,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    comment: event.comment ?? null,
    changes: event.changes ?? null,
  };
}

export async function getInvoiceHistory({ path, query, caller }: HttpInput<'getInvoiceHistory'>): Promise<Reply> {
  const { member, invoice, commitment } = await load(path.projectId, path.invoiceId, caller.userId);
  enforce('invoices.view', member, commitment);
  const scope = `invoice-history:${invoice.projectId}:${invoice.invoiceId}`;
  const { data, cursor } = await db()
    .InvoiceEvent.query.byInvoice({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
    .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
  return { body: { items: data.map(toHistoryEvent), nextCursor: encodeCursor(scope, cursor) } };
}
