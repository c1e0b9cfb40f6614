import { problems } from '../../../shared/http/problem';
import type { InvoiceItem } from '../../../shared/db/invoices';
import type { BillingPeriodItem } from '../../../shared/db/billing-periods';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { entitiesOf } from '../../../shared/db/service';
import { Invoice, InvoiceEvent, InvoiceNumber } from '../../../shared/db/entities/invoice';
import { BillingPeriod } from '../../../shared/db/entities/billing-period';
import { Invite } from '../../../shared/db/entities/invite';
import { Sov } from '../../../shared/db/entities/sov';
import { Ssov } from '../../../shared/db/entities/ssov';
import { Task } from '../../../shared/db/entities/task';
import { deadlineRefusal } from '../../../shared/domain/invoice-rules';
import { localDate } from '../../../shared/domain/billing-periods';

/**
 * What the invoice operations read and write themselves: invoices with their numbers and history, the
 * period's invoice count, the contacts' tasks, the invite a contact bills by, and the SOV (and SSOV) billed.
 */
export const invoiceHandlerEntities = /* @__PURE__ */ entitiesOf({ Invoice, InvoiceNumber, InvoiceEvent, BillingPeriod, Task, Invite, Sov, Ssov });

export const noSuchCommitment = () => problems.notFound('No such commitment.');
export const noSuchInvoice = () => problems.notFound('No such invoice.');

/** Why a contact cannot act on the period any more (its due date passed in the project's time zone), or undefined. */
export const lateRefusal = (period: Pick<BillingPeriodItem, 'dueDate'>, project: Pick<ProjectItem, 'timeZone'>, now: Date, onBehalf: string) =>
  deadlineRefusal({ dueDate: period.dueDate, today: localDate(now, project.timeZone), onBehalf });

export const locationOf = (item: InvoiceItem) => `/v1/projects/${item.projectId}/invoices/${item.invoiceId}`;
