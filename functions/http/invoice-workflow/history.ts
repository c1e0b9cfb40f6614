import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce } from '../../../shared/http/access';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { entitiesOf } from '../../../shared/db/service';
import { InvoiceEvent } from '../../../shared/db/entities/invoice';
import { loadUserNames } from '../../../shared/db/people';
import type { InvoiceEventItem } from '../../../shared/db/invoices';
import type { InvoiceHistoryEventResponse } from '../../../shared/api/invoice-reads.docs';
import { invoicesView } from '../../../shared/domain/permission-rules';

const historyReaders = /* @__PURE__ */ entitiesOf({ InvoiceEvent });

function toHistoryEvent(event: InvoiceEventItem, names: Map<string, string>): InvoiceHistoryEventResponse {
  return {
    eventId: event.eventKey,
    type: event.type,
    by: event.by,
    byName: names.get(event.by) ?? null,
    at: event.at,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    comment: event.comment ?? null,
    changes: event.changes ?? null,
  };
}

export async function getInvoiceHistory({ path, query, caller }: HttpInput<'getInvoiceHistory'>): Promise<Reply> {
  const { member, invoice, commitment } = await loadInvoiceContext(path, caller.userId);
  enforce(invoicesView, member, commitment);
  const scope = `invoice-history:${invoice.projectId}:${invoice.invoiceId}`;
  const { data, cursor } = await historyReaders()
    .InvoiceEvent.query.byInvoice({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
    .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
  // Names for the page in one BatchGet of its distinct users.
  const names = await loadUserNames(data.map((event) => event.by));
  return { body: { items: data.map((event) => toHistoryEvent(event, names)), nextCursor: encodeCursor(scope, cursor) } };
}
