/**
 * The facts an invoice's allowed actions are decided on that the invoice does not hold itself:
 * whether a later invoice of its commitment exists, and its billing period. One BatchGet for any
 * number of invoices (a page of a list), so answering `allowedActions` costs no read per invoice.
 */
import { batchGetAll, entitiesOf } from './service';
import { positionKey, type InvoiceItem } from './invoices';
import { InvoiceNumber } from './entities/invoice';
import { BillingPeriod, type BillingPeriodItem } from './entities/billing-period';

const factEntities = /* @__PURE__ */ entitiesOf({ InvoiceNumber, BillingPeriod });

export interface InvoiceActionFacts {
  isLatest: boolean;
  period: BillingPeriodItem | undefined;
}

export async function loadInvoiceActionFacts(
  invoices: ReadonlyArray<Pick<InvoiceItem, 'projectId' | 'invoiceId' | 'commitmentId' | 'position' | 'billingPeriodId'>>,
): Promise<Map<string, InvoiceActionFacts>> {
  if (invoices.length === 0) return new Map();
  const successorKey = (i: (typeof invoices)[number]) => ({ projectId: i.projectId, commitmentId: i.commitmentId, normalizedNumber: positionKey(i.position + 1) });
  const periodIds = [...new Set(invoices.map((i) => `${i.projectId}\n${i.billingPeriodId}`))].map((k) => {
    const [projectId, billingPeriodId] = k.split('\n') as [string, string];
    return { projectId, billingPeriodId };
  });
  const [successors, periods] = await Promise.all([
    batchGetAll(invoices.map(successorKey), (keys) => factEntities().InvoiceNumber.get(keys).go({ consistent: true })),
    batchGetAll(periodIds, (keys) => factEntities().BillingPeriod.get(keys).go({ consistent: true })),
  ]);
  const taken = new Set(successors.map((s) => `${s.projectId}\n${s.commitmentId}\n${s.normalizedNumber}`));
  const periodOf = new Map(periods.map((p) => [`${p.projectId}\n${p.billingPeriodId}`, p]));
  return new Map(
    invoices.map((i) => {
      const key = successorKey(i);
      return [
        i.invoiceId,
        { isLatest: !taken.has(`${key.projectId}\n${key.commitmentId}\n${key.normalizedNumber}`), period: periodOf.get(`${i.projectId}\n${i.billingPeriodId}`) },
      ];
    }),
  );
}
