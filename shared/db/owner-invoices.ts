import { entitiesOf } from './service';
import { OwnerInvoice, OwnerInvoiceClaim } from './entities/owner-invoice';
import { Invoice } from './entities/invoice';
import { ChangeOrder } from './entities/change-order';
import { Commitment } from './entities/commitment';
import type { WriteEntities } from './transaction';
import { positionKey } from './invoices';
export type { OwnerInvoiceItem } from './entities/owner-invoice';
import type { OwnerInvoiceItem } from './entities/owner-invoice';
import type { BillingPeriodItem } from './entities/billing-period';
import { addDays, startOfLocalDay } from '../domain/billing-periods';

const ownerInvoiceReaders = /* @__PURE__ */ entitiesOf({ OwnerInvoice, OwnerInvoiceClaim });
const periodCostReaders = /* @__PURE__ */ entitiesOf({ Invoice, ChangeOrder, Commitment });

/** One owner invoice of a project, or undefined. `consistent`: read what a write just did. */
export async function loadOwnerInvoice(projectId: string, ownerInvoiceId: string, options: { consistent?: boolean } = {}): Promise<OwnerInvoiceItem | undefined> {
  const { data } = await ownerInvoiceReaders().OwnerInvoice.get({ projectId, ownerInvoiceId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/** The head contract's latest owner invoices, latest first (one Query; writes that depend on it are conditioned by the claims). */
export async function loadLatestOwnerInvoices(projectId: string, headContractId: string, limit = 1): Promise<OwnerInvoiceItem[]> {
  const { data } = await ownerInvoiceReaders().OwnerInvoice.query.byHeadContract({ projectId, headContractId }).go({ order: 'desc', limit });
  return data;
}

/** The owner invoice at `position` of its head contract (the previous one of the next), or undefined. */
export async function loadOwnerInvoiceAt(projectId: string, headContractId: string, position: number): Promise<OwnerInvoiceItem | undefined> {
  const { data } = await ownerInvoiceReaders().OwnerInvoice.query.byHeadContract({ projectId, headContractId, position }).go();
  return data[0];
}

/** Whether `item` is its head contract's latest owner invoice: no position after it is claimed (a consistent GetItem). */
export async function isLatestOwnerInvoice(item: Pick<OwnerInvoiceItem, 'projectId' | 'headContractId' | 'position'>): Promise<boolean> {
  const { data } = await ownerInvoiceReaders()
    .OwnerInvoiceClaim.get({ projectId: item.projectId, headContractId: item.headContractId, claim: positionKey(item.position + 1) })
    .go({ consistent: true });
  return !data;
}

/** A transaction condition: `item` is still its head contract's latest owner invoice. */
export function ownerSuccessorCheck(entities: Pick<WriteEntities, 'OwnerInvoiceClaim'>, item: Pick<OwnerInvoiceItem, 'projectId' | 'headContractId' | 'position'>) {
  return entities.OwnerInvoiceClaim.check({ projectId: item.projectId, headContractId: item.headContractId, claim: positionKey(item.position + 1) })
    .where((attr, op) => op.notExists(attr.ownerInvoiceId))
    .commit();
}

/**
 * What pre-filling an owner invoice reads, bounded by its billing period whatever the project's
 * history: the period's subcontractor invoices (a Query on the period index, only the fields summed),
 * their commitments' numbers (one BatchGet), and the change orders approved from the period's first
 * day to the day after its last (a Query on the approval index; the pure filter reads days in project time).
 */
export async function loadPeriodCosts(period: Pick<BillingPeriodItem, 'projectId' | 'billingPeriodId' | 'startDate' | 'endDate'>, timeZone: string) {
  const { projectId, billingPeriodId } = period;
  const [{ data: invoices }, { data: changeOrders }] = await Promise.all([
    periodCostReaders()
      .Invoice.query.byPeriod({ projectId, billingPeriodId })
      .go({ pages: 'all', attributes: ['invoiceId', 'number', 'commitmentId', 'status', 'sovLines', 'figures'] }),
    periodCostReaders()
      .ChangeOrder.query.byApproval({ approvalPartition: projectId })
      .between({ approvedAt: startOfLocalDay(period.startDate, timeZone).toISOString() }, { approvedAt: startOfLocalDay(addDays(period.endDate, 1), timeZone).toISOString() })
      .go({ pages: 'all', attributes: ['changeOrderId', 'commitmentId', 'contractKind', 'number', 'title', 'status', 'totalCents', 'approvedAt'] }),
  ]);
  const commitmentIds = [...new Set(invoices.map((invoice) => invoice.commitmentId))];
  const numbers = new Map<string, string>();
  if (commitmentIds.length) {
    const { data } = await periodCostReaders()
      .Commitment.get(commitmentIds.map((commitmentId) => ({ projectId, commitmentId })))
      .go({ attributes: ['commitmentId', 'number'] });
    for (const commitment of data) numbers.set(commitment.commitmentId, commitment.number);
  }
  return {
    invoices: invoices.map((invoice) => ({ ...invoice, ...(numbers.has(invoice.commitmentId) && { commitmentNumber: numbers.get(invoice.commitmentId)! }) })),
    changeOrders: changeOrders.flatMap((co) => (co.approvedAt ? [{ ...co, approvedAt: co.approvedAt }] : [])),
  };
}
