import { db } from './service';
import type { WriteEntities } from './transaction';
import { positionKey } from './invoices';
export type { OwnerInvoiceItem } from './entities/owner-invoice';
import type { OwnerInvoiceItem } from './entities/owner-invoice';

/** One owner invoice of a project, or undefined. `consistent`: read what a write just did. */
export async function loadOwnerInvoice(projectId: string, ownerInvoiceId: string, options: { consistent?: boolean } = {}): Promise<OwnerInvoiceItem | undefined> {
  const { data } = await db().OwnerInvoice.get({ projectId, ownerInvoiceId }).go({ consistent: options.consistent ?? false });
  return data ?? undefined;
}

/** The head contract's latest owner invoices, latest first (one Query; writes that depend on it are conditioned by the claims). */
export async function loadLatestOwnerInvoices(projectId: string, headContractId: string, limit = 1): Promise<OwnerInvoiceItem[]> {
  const { data } = await db().OwnerInvoice.query.byHeadContract({ projectId, headContractId }).go({ order: 'desc', limit });
  return data;
}

/** The owner invoice at `position` of its head contract (the previous one of the next), or undefined. */
export async function loadOwnerInvoiceAt(projectId: string, headContractId: string, position: number): Promise<OwnerInvoiceItem | undefined> {
  const { data } = await db().OwnerInvoice.query.byHeadContract({ projectId, headContractId, position }).go();
  return data[0];
}

/** Whether `item` is its head contract's latest owner invoice: no position after it is claimed (a consistent GetItem). */
export async function isLatestOwnerInvoice(item: Pick<OwnerInvoiceItem, 'projectId' | 'headContractId' | 'position'>): Promise<boolean> {
  const { data } = await db()
    .OwnerInvoiceClaim.get({ projectId: item.projectId, headContractId: item.headContractId, claim: positionKey(item.position + 1) })
    .go({ consistent: true });
  return !data;
}

/** A transaction condition: `item` is still its head contract's latest owner invoice. */
export function ownerSuccessorCheck(entities: WriteEntities, item: Pick<OwnerInvoiceItem, 'projectId' | 'headContractId' | 'position'>) {
  return entities.OwnerInvoiceClaim.check({ projectId: item.projectId, headContractId: item.headContractId, claim: positionKey(item.position + 1) })
    .where((attr, op) => op.notExists(attr.ownerInvoiceId))
    .commit();
}
