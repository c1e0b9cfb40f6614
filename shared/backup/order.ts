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
import { prefillStatuses } from '../domain/owner-prefill';

/**
 * The subcontractor invoices an owner invoice includes, when it was never pre-filled: its period's,
 * in the statuses pre-fill sums (approved, approved as noted, pending owner approval), with a line
 * whose cost code is one of the owner invoice's.
 */
const includedStatuses: readonly InvoiceStatus[] = prefillStatuses;

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

  // A pre-filled owner invoice names the subcontractor invoice lines it summed (its audit trail):
  // those invoices, each under the lowest cost code it was summed on. One never pre-filled takes
  // its period's invoices in an included status with a line on one of its cost codes.
  const prefilled = owners.filter((owner) => owner.prefill);
  const summedCodes = new Map(
    prefilled.map((owner) => {
      const codes = new Map<string, string>();
      for (const line of owner.prefill!.lines) {
        for (const source of line.sources) {
          const code = line.costCode ?? source.costCode ?? '';
          const known = codes.get(source.invoiceId);
          if (known === undefined || byNumber(code, known) < 0) codes.set(source.invoiceId, code);
        }
      }
      return [owner.ownerInvoiceId, codes] as const;
    }),
  );
  const summedIds = [...new Set([...summedCodes.values()].flatMap((codes) => [...codes.keys()]))];
  const periodIds = [...new Set(owners.filter((owner) => !owner.prefill).map((owner) => owner.billingPeriodId))];
  const [summed, byPeriod] = await Promise.all([
    summedIds.length ? batchGetAll(summedIds.map((invoiceId) => ({ projectId, invoiceId })), (keys) => Invoice.get(keys).go()) : [],
    Promise.all(
      periodIds.map(async (billingPeriodId) => [billingPeriodId, (await Invoice.query.byPeriod({ projectId, billingPeriodId }).go({ pages: 'all' })).data] as const),
    ).then((entries) => new Map(entries)),
  ]);
  const summedById = new Map(summed.map((invoice) => [invoice.invoiceId, invoice]));
  const included = new Map<string, Array<{ invoice: InvoiceItem; code: string }>>();
  for (const owner of owners) {
    const codes = summedCodes.get(owner.ownerInvoiceId);
    if (codes) {
      // An invoice deleted since the pre-fill has nothing left to show.
      included.set(owner.ownerInvoiceId, [...codes].flatMap(([invoiceId, code]) => (summedById.has(invoiceId) ? [{ invoice: summedById.get(invoiceId)!, code }] : [])));
      continue;
    }
    const ownerCodes = new Set(owner.sovLines.flatMap((line) => (line.costCode ? [line.costCode] : [])));
    included.set(
      owner.ownerInvoiceId,
      (byPeriod.get(owner.billingPeriodId) ?? []).flatMap((invoice) => {
        const code = includedStatuses.includes(invoice.status) ? firstMappedCode(invoice, ownerCodes) : undefined;
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
