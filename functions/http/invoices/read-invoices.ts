import type { HttpInput, Reply } from '../../../shared/http/handler';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { problems } from '../../../shared/http/problem';
import { orderOf } from '../../../shared/api/common';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { authorize } from '../../../shared/domain/permissions';
import { loadCommitmentsById } from '../../../shared/db/commitments';
import { invoiceListView, invoiceReply } from '../../../shared/http/invoice-actions';
import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import { entitiesOf } from '../../../shared/db/service';
import { Invoice } from '../../../shared/db/entities/invoice';

/** A list reads invoices only (invoiceHandlerEntities binds what writes need too). */
const invoiceReaders = /* @__PURE__ */ entitiesOf({ Invoice });
import { invoicesView } from '../../../shared/domain/permission-rules';

export async function listInvoices({ path, query, caller }: HttpInput<'listInvoices'>): Promise<Reply> {
  const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
  // read_only members see the invoices of the commitments they are contacts on: decided per commitment below.
  if (member.commitments !== 'read_only') enforce(invoicesView, member);
  if (query.sort && !query.commitmentId) {
    throw problems.validation([{ location: 'query', field: 'sort', message: 'sorting by position needs commitmentId: only a commitment’s invoices have an index in that order' }]);
  }
  const scope = `invoices:${path.projectId}:${query.billingPeriodId ?? ''}:${query.commitmentId ?? ''}:${query.status?.join(',') ?? ''}:${query.updatedSince ?? ''}${query.sort ? `:${query.sort}` : ''}`;
  const cursor = decodeCursor(scope, query.cursor);
  const invoices = invoiceReaders().Invoice;
  const { projectId, billingPeriodId, commitmentId, status, updatedSince } = { projectId: path.projectId, ...query };
  const request = billingPeriodId
    ? invoices.query.byPeriod({ projectId, billingPeriodId, ...(commitmentId && { commitmentId }) })
    : commitmentId
      ? invoices.query.byCommitment({ projectId, commitmentId })
      : invoices.query.byProject({ projectId });
  const filtered =
    status || updatedSince
      ? request.where((attr, op) =>
          [status ? `(${status.map((one) => op.eq(attr.status, one)).join(' OR ')})` : '', updatedSince ? op.gte(attr.updatedAt, updatedSince) : '']
            .filter(Boolean)
            .join(' AND '),
        )
      : request;
  const page = await filtered.go({ cursor, limit: query.limit, order: orderOf(query.sort) });
  const commitments = new Map(
    (await loadCommitmentsById(projectId, [...new Set(page.data.map((i) => i.commitmentId))])).map((c) => [c.commitmentId, c]),
  );
  const visible = page.data.flatMap((invoice) => {
    const commitment = commitments.get(invoice.commitmentId);
    return commitment && authorize(invoicesView, member, commitment).allowed ? [{ invoice, commitment }] : [];
  });
  const items = await invoiceListView(member, project, visible);
  return { body: { items, nextCursor: encodeCursor(scope, page.cursor) } };
}

export async function getInvoice({ path, caller }: HttpInput<'getInvoice'>): Promise<Reply> {
  const access = await loadInvoiceContext(path, caller.userId);
  enforce(invoicesView, access.member, access.commitment);
  return invoiceReply(access);
}
