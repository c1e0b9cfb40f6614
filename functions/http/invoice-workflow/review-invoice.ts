import type { HttpInput, Reply } from '../../../shared/http/handler';
import { enforce } from '../../../shared/http/access';
import { problems } from '../../../shared/http/problem';
import { statusWords } from '../../../shared/domain/invoice-rules';
import { reviewLines } from '../../../shared/domain/invoice-workflow';
import { expectedVersion, load, reply } from './access';
import { commitChange } from './change';
import { notify } from './notify';

export async function reviewInvoice({ path, body, caller, headers }: HttpInput<'reviewInvoice'>): Promise<Reply> {
  const { member, ...loaded } = await load(path.projectId, path.invoiceId, caller.userId);
  const { invoice } = loaded;
  enforce('invoices.review', member, loaded.commitment);
  const version = expectedVersion(headers, invoice);
  if (invoice.status !== 'under_review') {
    throw problems.conflict(`Only an invoice under review can be reviewed line by line; this one is ${statusWords[invoice.status]}.`);
  }
  const now = new Date();
  const outcome = reviewLines({
    lineIds: invoice.figures.lines.map((line) => line.lineId),
    current: (invoice.lineReviews ?? {}),
    decisions: body.decisions,
    approveInvoice: body.approveInvoice,
    by: caller.userId,
    at: now.toISOString(),
  });

  const { invoice: updated, event } = await commitChange({
    loaded,
    role: 'administrator',
    expectedVersion: version,
    to: outcome.toStatus,
    set: { lineReviews: outcome.lineReviews },
    event: { type: 'lines_reviewed', ...(body.comment ? { comment: body.comment } : {}), changes: { decisions: body.decisions } },
    by: caller.userId,
    now,
  });
  await notify({ ...loaded, invoice: updated, from: invoice.status, event });
  return reply(updated);
}
