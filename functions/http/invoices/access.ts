import { problems } from '../../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import { loadCommitment } from '../../../shared/db/commitments';
import { loadInvoice, type InvoiceItem } from '../../../shared/db/invoices';
import type { BillingPeriodItem } from '../../../shared/db/billing-periods';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { deadlineRefusal } from '../../../shared/domain/invoice-rules';
import { localDate } from '../../../shared/domain/billing-periods';

export const noSuchCommitment = () => problems.notFound('No such commitment.');
export const noSuchInvoice = () => problems.notFound('No such invoice.');

/** Why a contact cannot act on the period any more (its due date passed in the project's time zone), or undefined. */
export const lateRefusal = (period: Pick<BillingPeriodItem, 'dueDate'>, project: Pick<ProjectItem, 'timeZone'>, now: Date, onBehalf: string) =>
  deadlineRefusal({ dueDate: period.dueDate, today: localDate(now, project.timeZone), onBehalf });

/** The invoice, its commitment and the caller's membership; `action` enforced on the commitment (404 when invisible). */
export async function invoiceFor(action: 'invoices.view' | 'invoices.delete' | null, path: { projectId: string; invoiceId: string }, userId: string) {
  const [{ project, member }, invoice] = await Promise.all([loadProjectAccess(path.projectId, userId), loadInvoice(path.projectId, path.invoiceId)]);
  if (!invoice) throw noSuchInvoice();
  const commitment = await loadCommitment(path.projectId, invoice.commitmentId);
  if (!commitment) throw noSuchInvoice();
  if (action) enforce(action, member, commitment);
  return { project, member, invoice, commitment };
}
export type LoadedInvoice = Awaited<ReturnType<typeof invoiceFor>>;

export const locationOf = (item: InvoiceItem) => `/v1/projects/${item.projectId}/invoices/${item.invoiceId}`;
