/**
 * The context routes enforce an invoice's actions with (shared/domain/allowed-actions.ts), and
 * invoice-actions.ts lists them in answers with: apart from the invoice answers, so that a function
 * that only enforces them does not bundle the invoice schemas.
 */
import { loadInvoiceActionFacts } from '../db/invoice-action-facts';
import type { BillingPeriodItem } from '../db/billing-periods';
import type { InvoiceItem } from '../db/invoices';
import type { CommitmentItem } from '../db/commitments';
import { localDate } from '../domain/billing-periods';
import type { InvoiceActionContext } from '../domain/allowed-actions';
import type { Membership } from '../domain/permissions';

export type RegionalProject = { projectId: string; timeZone: string; region: string };

export interface InvoiceAccess {
  member: Membership;
  project: RegionalProject;
  invoice: InvoiceItem;
  commitment: CommitmentItem;
}

/** Each invoice's action context and its billing period: whether it is the latest and its period in one BatchGet, today in the project's time zone. */
export async function loadActionContexts(
  member: Membership,
  project: { timeZone: string },
  items: ReadonlyArray<{ invoice: InvoiceItem; commitment: CommitmentItem }>,
  now: Date,
): Promise<Array<InvoiceActionContext & { billingPeriod: BillingPeriodItem | undefined }>> {
  const facts = await loadInvoiceActionFacts(items.map((item) => item.invoice));
  const today = localDate(now, project.timeZone);
  return items.map(({ invoice, commitment }) => {
    const { isLatest, period } = facts.get(invoice.invoiceId)!;
    return { member, commitment, invoice, isLatest, period, today, billingPeriod: period };
  });
}

/** Each invoice's action context: whether it is the latest and its period in one BatchGet, today in the project's time zone. */
export async function invoiceActionContexts(
  member: Membership,
  project: { timeZone: string },
  items: ReadonlyArray<{ invoice: InvoiceItem; commitment: CommitmentItem }>,
  now = new Date(),
): Promise<InvoiceActionContext[]> {
  return loadActionContexts(member, project, items, now);
}

export async function invoiceActionContext(access: InvoiceAccess, now = new Date()): Promise<InvoiceActionContext> {
  const [context] = await invoiceActionContexts(access.member, access.project, [access], now);
  return context!;
}
