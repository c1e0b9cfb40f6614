import { problems } from '../../../shared/http/problem';
import type { InvoiceItem } from '../../../shared/db/invoices';
import type { BillingPeriodItem } from '../../../shared/db/billing-periods';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { deadlineRefusal } from '../../../shared/domain/invoice-rules';
import { localDate } from '../../../shared/domain/billing-periods';

export const noSuchCommitment = () => problems.notFound('No such commitment.');
export const noSuchInvoice = () => problems.notFound('No such invoice.');

/** Why a contact cannot act on the period any more (its due date passed in the project's time zone), or undefined. */
export const lateRefusal = (period: Pick<BillingPeriodItem, 'dueDate'>, project: Pick<ProjectItem, 'timeZone'>, now: Date, onBehalf: string) =>
  deadlineRefusal({ dueDate: period.dueDate, today: localDate(now, project.timeZone), onBehalf });

export const locationOf = (item: InvoiceItem) => `/v1/projects/${item.projectId}/invoices/${item.invoiceId}`;
