import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor } from '../../../shared/http/etag';
import { explainFailure, writeTransactionOver, type WriteOutcome } from '../../../shared/db/transaction';
import { loadOpenPeriod } from '../../../shared/db/billing-period-reads';
import type { BillingPeriodItem } from '../../../shared/db/entities/billing-period';
import { invoiceEventWrite, nextInvoiceNumber, normalizeInvoiceNumber, positionKey, previousFrom } from '../../../shared/db/invoices';
import { loadLatestOwnerInvoices, type OwnerInvoiceItem } from '../../../shared/db/owner-invoices';
import type { HeadContractItem } from '../../../shared/db/head-contracts';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { ownerInvoiceDeadlines } from '../../../shared/http/payment-deadlines';
import { toOwnerInvoiceResponse } from '../../../shared/api/owner-invoice-views';
import { computeInvoice, type InvoiceContract, type LineEntry, type StoredSovLine } from '../../../shared/domain/invoice-figures';
import { creationRefusal } from '../../../shared/domain/invoice-rules';
import type { SovLine } from '../../../shared/domain/sov';
import { headContractFor, locationOf } from './shared';
import { storedSovLine } from '../invoices/billed-lines';
import { stagedRelease } from '../invoices/staged-release';
import { prefilled } from './prefill';
import { ownerInvoiceEntities } from './entities';
import { ownerInvoicesCreate } from '../../../shared/domain/permission-rules';

type CreateItem = 'invoice' | 'number' | 'position' | 'period' | 'previous' | 'event';

/** The open billing period, else the most recent one (DOMAIN.md: owner invoices follow the owner's cycle, not the vendors'). */
async function billingPeriodFor(project: ProjectItem): Promise<BillingPeriodItem> {
  const open = await loadOpenPeriod(project.projectId, { consistent: true, project });
  if (open) return open;
  const { data } = await ownerInvoiceEntities().BillingPeriod.query.byStart({ projectId: project.projectId }).go({ order: 'desc', limit: 1 });
  if (!data[0]) throw problems.conflict('The project has no billing period; owner invoices are created in the open (or most recent) one.');
  return data[0];
}

/** The head contract's SOV lines as the invoice keeps them (a consistent read: what the last SOV edit wrote). */
async function billedLines(contract: HeadContractItem): Promise<StoredSovLine[]> {
  const { data } = await ownerInvoiceEntities().Sov.get({ projectId: contract.projectId, commitmentId: contract.headContractId }).go({ consistent: true });
  return ((data?.lines ?? []) as SovLine[]).map(storedSovLine);
}

/** The contract terms as they stand now: they travel with the invoice, later changes never reach it. */
const contractOf = (contract: HeadContractItem): InvoiceContract => ({
  originalContractSumCents: contract.originalContractSumCents,
  approvedChangeOrdersCents: contract.approvedChangeOrdersCents,
  retainage: { ...contract.retainage },
});

/**
 * Creates the invoice with its number and position claims (two created at once for one head contract
 * cannot both hold the next position: one progress invoice per period stays one), counts it in its
 * period (which then cannot be deleted), and checks the previous invoice is still as read.
 */
function saveNewInvoice(item: OwnerInvoiceItem, latest: OwnerInvoiceItem | undefined) {
  const claimKey = { projectId: item.projectId, headContractId: item.headContractId, ownerInvoiceId: item.ownerInvoiceId };
  return writeTransactionOver<ReturnType<typeof ownerInvoiceEntities>, CreateItem>(ownerInvoiceEntities, (entities) => ({
    invoice: entities.OwnerInvoice.create(item).commit(),
    number: entities.OwnerInvoiceClaim.create({ ...claimKey, claim: normalizeInvoiceNumber(item.number) }).commit(),
    position: entities.OwnerInvoiceClaim.create({ ...claimKey, claim: positionKey(item.position) }).commit(),
    period: entities.BillingPeriod.patch({ projectId: item.projectId, billingPeriodId: item.billingPeriodId }).add({ invoiceCount: 1 }).commit(),
    previous: latest && entities.OwnerInvoice.check({ projectId: latest.projectId, ownerInvoiceId: latest.ownerInvoiceId }).where((attr, op) => op.eq(attr.version, latest.version)).commit(),
    event: invoiceEventWrite(entities, { projectId: item.projectId, invoiceId: item.ownerInvoiceId, type: 'created', by: item.createdBy, at: item.createdAt, toStatus: 'draft' }),
  }));
}

const createRefusal = (outcome: WriteOutcome<CreateItem>, number: string) =>
  explainFailure(
    outcome,
    {
      number: () => problems.conflict(`Owner invoice number ${number} is already used on this head contract; give another number.`),
      position: () => problems.conflict('Another owner invoice of this head contract was created at the same moment; read its invoices and retry.'),
      period: () => problems.conflict('The billing period was deleted meanwhile.'),
      previous: () => problems.conflict('The previous owner invoice of this head contract changed meanwhile; retry.'),
    },
    () => problems.busy('owner invoice'),
  );

export async function createOwnerInvoice({ path, body, caller }: HttpInput<'createOwnerInvoice'>): Promise<Reply> {
  if (body.prefill && body.kind !== 'progress') {
    throw problems.validation([{ location: 'body', field: 'prefill', message: 'A retainage release bills no work or materials; only a progress invoice is pre-filled from the period’s costs.' }]);
  }

  const { project, contract } = await headContractFor(ownerInvoicesCreate, path, caller.userId);
  const [period, recent, sovLines] = await Promise.all([billingPeriodFor(project), loadLatestOwnerInvoices(path.projectId, path.headContractId, 2), billedLines(contract)]);
  const latest = recent[0];
  const sameKindInPeriod = recent.find((i) => i.billingPeriodId === period.billingPeriodId && i.kind === body.kind);
  const refusal = creationRefusal({ kind: body.kind, ...(latest && { latest }), ...(sameKindInPeriod && { sameKindInPeriod }), sovLineCount: sovLines.length, contract: 'head contract' });
  if (refusal) throw problems.conflict(refusal);

  const terms = contractOf(contract);
  const blank: LineEntry[] = sovLines.map((line) => ({ lineId: line.lineId }));
  // The same pure function as subcontractor invoices: line 7 = the previous owner invoice's line 6.
  const figuresOf = (entries: LineEntry[]) =>
    computeInvoice({ sovLines, contract: terms, ...(latest && { previous: previousFrom(latest) }), entries, overbillingAllowed: project.overbillingAllowed });
  const at = new Date().toISOString();
  const blankFigures = figuresOf(blank);
  const released = stagedRelease(body, blankFigures);
  const { entries, figures, prefill } = body.prefill
    ? await prefilled({ period, timeZone: project.timeZone, sovLines, entries: blank, by: caller.userId, at, figuresOf })
    : released
      ? { entries: released, figures: figuresOf(released), prefill: undefined }
      : { entries: blank, figures: blankFigures, prefill: undefined };
  const item: OwnerInvoiceItem = {
    projectId: path.projectId,
    ownerInvoiceId: randomUUID(),
    headContractId: contract.headContractId,
    billingPeriodId: period.billingPeriodId,
    number: body.number ?? nextInvoiceNumber(latest),
    position: (latest?.position ?? 0) + 1,
    kind: body.kind,
    status: 'draft',
    paymentStatus: 'unpaid',
    paidCents: 0,
    entries,
    figures,
    sovLines,
    contract: terms,
    ...(prefill && { prefill }),
    createdBy: caller.userId,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const outcome = await saveNewInvoice(item, latest);
  if (outcome.canceled) throw await createRefusal(outcome, item.number);
  return { status: 201, body: toOwnerInvoiceResponse(item, await ownerInvoiceDeadlines(project, contract, item)), headers: { location: locationOf(item), etag: etagFor(item.version) } };
}
