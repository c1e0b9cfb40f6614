import { loadInvoiceContext } from '../../../shared/http/invoice-context';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce, enforceRefusal } from '../../../shared/http/access';
import { invoiceActionContext } from '../../../shared/http/invoice-action-context';
import { invoiceActionRefusal } from '../../../shared/domain/allowed-actions';
import { reviewLines } from '../../../shared/domain/invoice-workflow';
import { expectedVersion, reply } from './access';
import { commitChange } from './change';
import { invoicesReview } from '../../../shared/domain/permission-rules';

export async function reviewInvoice({ path, body, caller, headers }: HttpInput<'reviewInvoice'>): Promise<Reply> {
  const { member, ...loaded } = await loadInvoiceContext(path, caller.userId);
  const { invoice } = loaded;
  enforce(invoicesReview, member, loaded.commitment);
  const version = expectedVersion(headers, invoice);
  const now = new Date();
  enforceRefusal(invoiceActionRefusal('review_lines', await invoiceActionContext({ ...loaded, member }, now)));
  const outcome = reviewLines({
    lineIds: invoice.figures.lines.map((line) => line.lineId),
    current: (invoice.lineReviews ?? {}),
    decisions: body.decisions,
    approveInvoice: body.approveInvoice,
    by: caller.userId,
    at: now.toISOString(),
  });

  const { invoice: updated } = await commitChange({
    loaded,
    role: 'administrator',
    expectedVersion: version,
    to: outcome.toStatus,
    set: { lineReviews: outcome.lineReviews },
    event: { type: 'lines_reviewed', ...(body.comment ? { comment: body.comment } : {}), changes: { decisions: body.decisions } },
    by: caller.userId,
    now,
    notifyFrom: invoice.status,
  });
  return reply({ ...loaded, member, invoice: updated });
}
