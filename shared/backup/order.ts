/**
 * The order of a backup's parts (docs/domain.md "Backups"): each owner invoice (head contract
 * number, then position) followed by the subcontractor invoices it includes, ordered by cost
 * code; then the other subcontractor invoices by commitment number and position. A subcontractor
 * invoice is in the backup once, under the owner invoice that includes it when there is one.
 */
import { batchGetAll, db } from '../db/service';
import type { InvoiceItem } from '../db/invoices';
import type { OwnerInvoiceItem } from '../db/owner-invoices';
import type { CommitmentItem } from '../db/entities/commitment';
import type { HeadContractItem } from '../db/entities/head-contract';
import type { InvoiceStatus } from '../domain/invoices';

/**
 * The subcontractor invoices an owner invoice includes: its period's, approved (or approved as
 * noted, or waiting on the owner), with a line whose cost code is one of the owner invoice's.
 */
export const includedStatuses: readonly InvoiceStatus[] = ['approved', 'approved_as_noted', 'pending_owner_approval'];

export type BackupEntry =
  | { kind: 'invoice'; invoice: InvoiceItem; commitment: CommitmentItem }
  | { kind: 'owner_invoice'; invoice: OwnerInvoiceItem; contract: HeadContractItem };

export interface BackupOrder {
  entries: BackupEntry[];
  /** Ids requested that are neither a subcontractor nor an owner invoice of the project (deleted since). */
  gone: string[];
  /** Commitments or head contracts of the invoices that no longer exist. */
  missingContracts: string[];
}

/** "SC-2" before "SC-10". */
export const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });

/** The lowest of the invoice's cost codes that are in `codes` (undefined when none is). */
function firstMappedCode(invoice: InvoiceItem, codes: ReadonlySet<string>): string | undefined {
  return invoice.sovLines.flatMap((line) => (line.costCode && codes.has(line.costCode) ? [line.costCode] : [])).sort(byNumber)[0];
}

export async function backupOrder(projectId: string, invoiceIds: readonly string[]): Promise<BackupOrder> {
  const { Invoice, OwnerInvoice, Commitment, HeadContract } = db();
  const listed = await batchGetAll(invoiceIds.map((invoiceId) => ({ projectId, invoiceId })), (keys) => Invoice.get(keys).go());
  const listedIds = new Set(listed.map((invoice) => invoice.invoiceId));
  const ownerIds = invoiceIds.filter((id) => !listedIds.has(id));
  const owners = ownerIds.length ? await batchGetAll(ownerIds.map((ownerInvoiceId) => ({ projectId, ownerInvoiceId })), (keys) => OwnerInvoice.get(keys).go()) : [];
  const found = new Set([...listedIds, ...owners.map((owner) => owner.ownerInvoiceId)]);

  // Each owner invoice's period, read once per period: its subcontractor invoices on the owner's cost codes.
  const periodIds = [...new Set(owners.map((owner) => owner.billingPeriodId))];
  const byPeriod = new Map(
    await Promise.all(
      periodIds.map(async (billingPeriodId) => [billingPeriodId, (await Invoice.query.byPeriod({ projectId, billingPeriodId }).go({ pages: 'all' })).data] as const),
    ),
  );
  const included = new Map<string, Array<{ invoice: InvoiceItem; code: string }>>();
  for (const owner of owners) {
    const codes = new Set(owner.sovLines.flatMap((line) => (line.costCode ? [line.costCode] : [])));
    included.set(
      owner.ownerInvoiceId,
      (byPeriod.get(owner.billingPeriodId) ?? []).flatMap((invoice) => {
        const code = includedStatuses.includes(invoice.status) ? firstMappedCode(invoice, codes) : undefined;
        return code ? [{ invoice, code }] : [];
      }),
    );
  }

  const subInvoices = [...listed, ...[...included.values()].flat().map(({ invoice }) => invoice)];
  const commitmentIds = [...new Set(subInvoices.map((invoice) => invoice.commitmentId))];
  const contractIds = [...new Set(owners.map((owner) => owner.headContractId))];
  const [commitments, contracts] = await Promise.all([
    batchGetAll(commitmentIds.map((commitmentId) => ({ projectId, commitmentId })), (keys) => Commitment.get(keys).go()),
    contractIds.length ? batchGetAll(contractIds.map((headContractId) => ({ projectId, headContractId })), (keys) => HeadContract.get(keys).go()) : [],
  ]);
  const commitmentOf = new Map(commitments.map((c) => [c.commitmentId, c]));
  const contractOf = new Map(contracts.map((c) => [c.headContractId, c]));
  const missingContracts = [...commitmentIds.filter((id) => !commitmentOf.has(id)), ...contractIds.filter((id) => !contractOf.has(id))];
  if (missingContracts.length) return { entries: [], gone: invoiceIds.filter((id) => !found.has(id)), missingContracts };

  const bySubOrder = (a: InvoiceItem, b: InvoiceItem) =>
    byNumber(commitmentOf.get(a.commitmentId)!.number, commitmentOf.get(b.commitmentId)!.number) || a.position - b.position;
  const placed = new Set<string>();
  const entries: BackupEntry[] = [];
  const place = (invoice: InvoiceItem) => {
    if (placed.has(invoice.invoiceId)) return;
    placed.add(invoice.invoiceId);
    entries.push({ kind: 'invoice', invoice, commitment: commitmentOf.get(invoice.commitmentId)! });
  };
  const orderedOwners = [...owners].sort(
    (a, b) => byNumber(contractOf.get(a.headContractId)!.number, contractOf.get(b.headContractId)!.number) || a.position - b.position,
  );
  for (const owner of orderedOwners) {
    entries.push({ kind: 'owner_invoice', invoice: owner, contract: contractOf.get(owner.headContractId)! });
    [...included.get(owner.ownerInvoiceId)!]
      .sort((a, b) => byNumber(a.code, b.code) || bySubOrder(a.invoice, b.invoice))
      .forEach(({ invoice }) => place(invoice));
  }
  [...listed].sort(bySubOrder).forEach(place);
  return { entries, gone: invoiceIds.filter((id) => !found.has(id)), missingContracts: [] };
}
