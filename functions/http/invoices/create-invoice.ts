import { ssovStatusWords } from '../../../shared/domain/commitments';
import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../../shared/http/access';
import type { Membership } from '../../../shared/domain/permissions';
import { explainFailure, writeTransactionOver, type WriteOutcome } from '../../../shared/db/transaction';
import { loadCommitment, type CommitmentItem } from '../../../shared/db/commitments';
import { namedTaskWrites, planInvoiceTasks, type TaskPlan } from '../../../shared/db/tasks';
import { loadBillingPeriod, loadOpenPeriod } from '../../../shared/db/billing-period-reads';
import type { BillingPeriodItem } from '../../../shared/db/entities/billing-period';
import { invoiceEventWrite, loadLatestInvoices, nextInvoiceNumber, normalizeInvoiceNumber, positionKey, previousFrom, type InvoiceItem } from '../../../shared/db/invoices';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { invoiceReply } from '../../../shared/http/invoice-actions';
import { computeInvoice, type InvoiceContract, type LineEntry } from '../../../shared/domain/invoice-figures';
import { stagedRelease } from './staged-release';
import { creationRefusal, invoiceRole } from '../../../shared/domain/invoice-rules';
import type { SlidingScaleRule } from '../../../shared/domain/sliding-scale';
import { billedLines } from './billed-lines';
import { invoiceHandlerEntities, lateRefusal, locationOf, noSuchCommitment } from './access';
import { invoicesCreateOnBehalf, retainageCreateReleaseCurrentPeriod } from '../../../shared/domain/permission-rules';

type CreateItem = 'invoice' | 'number' | 'position' | 'period' | 'previous' | 'event';

/** Why a create transaction was cancelled, by the name of its failed write. */
async function createRefusal(outcome: WriteOutcome<CreateItem | `task${number}`>, number: string, period: BillingPeriodItem) {
  return explainFailure(
    outcome,
    {
      number: () => problems.conflict(`Invoice number ${number} is already used on this commitment; give another number.`),
      position: () => problems.conflict('Another invoice of this commitment was created at the same moment; read its invoices and retry.'),
      period: async () => {
        const now = await loadBillingPeriod(period.projectId, period.billingPeriodId, { consistent: true });
        return problems.conflict(now ? 'The billing period was closed meanwhile.' : 'The billing period was deleted meanwhile.');
      },
      previous: () => problems.conflict('The previous invoice of this commitment changed meanwhile; retry.'),
    },
    () => problems.busy('invoice'),
  );
}

/**
 * The open period the caller may create this invoice in: a contact, or an administrator on the contact's
 * behalf (retainage releases need their own permission); contacts only until the due date and, when the
 * project invoices by invitation, only with an invite; an SSOV commitment only once its SSOV is approved.
 */
async function creatablePeriod(input: { project: ProjectItem; member: Membership; commitment: CommitmentItem; kind: InvoiceItem['kind']; now: Date }): Promise<BillingPeriodItem> {
  const { project, member, commitment, now } = input;
  const asContact = invoiceRole(member, commitment) === 'contact';
  if (!asContact) enforce(invoicesCreateOnBehalf, member, commitment);
  if (input.kind === 'retainage_release') enforce(retainageCreateReleaseCurrentPeriod, member, commitment);

  const period = await loadOpenPeriod(project.projectId, { consistent: true, project });
  if (!period) throw problems.conflict('The project has no open billing period; invoices are created in the open period.');
  if (asContact) {
    const late = lateRefusal(period, project, now, 'still create the invoice');
    if (late) throw problems.conflict(late);
    if (project.defaultInvoiceType === 'none') {
      const { data: invite } = await invoiceHandlerEntities().Invite.get({ projectId: project.projectId, billingPeriodId: period.billingPeriodId, commitmentId: commitment.commitmentId }).go();
      if (!invite || invite.status === 'declined') {
        throw problems.conflict(
          invite ? 'The invite to bill for this period was declined.' : 'This project invoices by invitation: this commitment has no invite to bill for the period.',
        );
      }
    }
  }
  if (commitment.ssovEnabled && commitment.ssovStatus !== 'approved') {
    throw problems.conflict(`The commitment's SSOV must be approved before invoicing; it is ${commitment.ssovStatus ? ssovStatusWords[commitment.ssovStatus] : 'not started'}.`);
  }
  return period;
}

/** The commitment's sliding-scale rules (functions/http/retainage-rules.ts stores them). */
const slidingScaleRulesOf = (commitment: Pick<CommitmentItem, 'slidingScale'>): SlidingScaleRule[] =>
  commitment.slidingScale?.rules ?? [];

/** The contract terms as they stand now: they travel with the invoice, later changes never reach it. */
const contractOf = (commitment: CommitmentItem): InvoiceContract => ({
  originalContractSumCents: commitment.originalContractSumCents,
  approvedChangeOrdersCents: commitment.approvedChangeOrdersCents,
  retainage: { ...commitment.retainage },
  ...(slidingScaleRulesOf(commitment).length > 0 && { slidingScale: { rules: slidingScaleRulesOf(commitment) } }),
});

/** Creates the invoice with its number and position claims, counts it in the open period, and checks the previous invoice is still as read. */
function saveNewInvoice(item: InvoiceItem, period: BillingPeriodItem, latest: InvoiceItem | undefined, tasks: TaskPlan) {
  const numberKey = { projectId: item.projectId, commitmentId: item.commitmentId };
  return writeTransactionOver<ReturnType<typeof invoiceHandlerEntities>, CreateItem | `task${number}`>(invoiceHandlerEntities, (entities) => ({
    invoice: entities.Invoice.create(item).commit(),
    number: entities.InvoiceNumber.create({ ...numberKey, normalizedNumber: normalizeInvoiceNumber(item.number), invoiceId: item.invoiceId }).commit(),
    position: entities.InvoiceNumber.create({ ...numberKey, normalizedNumber: positionKey(item.position), invoiceId: item.invoiceId }).commit(),
    period: entities.BillingPeriod.patch({ projectId: period.projectId, billingPeriodId: period.billingPeriodId })
      .add({ invoiceCount: 1 })
      .where((attr, op) => op.eq(attr.status, 'open'))
      .commit(),
    // The previous figures are final: it is still as read (settled, not reopened).
    previous: latest && entities.Invoice.check({ projectId: latest.projectId, invoiceId: latest.invoiceId }).where((attr, op) => op.eq(attr.version, latest.version)).commit(),
    event: invoiceEventWrite(entities, { projectId: item.projectId, invoiceId: item.invoiceId, type: 'created', by: item.createdBy, at: item.createdAt, toStatus: 'draft' }),
    // The contacts' "submit it" tasks; the accepted invite's "bill this period" ones end.
    ...namedTaskWrites(entities, tasks),
  }));
}

export async function createInvoice({ path, body, caller }: HttpInput<'createInvoice'>): Promise<Reply> {
  const now = new Date();
  const [{ project, member }, commitment] = await Promise.all([loadProjectAccess(path.projectId, caller.userId), loadCommitment(path.projectId, path.commitmentId)]);
  if (!commitment) throw noSuchCommitment();
  const period = await creatablePeriod({ project, member, commitment, kind: body.kind, now });

  const [recent, sovLines] = await Promise.all([loadLatestInvoices(path.projectId, commitment.commitmentId, 2), billedLines(commitment)]);
  const latest = recent[0];
  const sameKindInPeriod = recent.find((i) => i.billingPeriodId === period.billingPeriodId && i.kind === body.kind);
  const refusal = creationRefusal({ kind: body.kind, ...(latest && { latest }), ...(sameKindInPeriod && { sameKindInPeriod }), sovLineCount: sovLines.length });
  if (refusal) throw problems.conflict(refusal);

  const contract = contractOf(commitment);
  const blank: LineEntry[] = sovLines.map((line) => ({ lineId: line.lineId }));
  const compute = (entries: LineEntry[]) => computeInvoice({ sovLines, contract, ...(latest && { previous: previousFrom(latest) }), entries, overbillingAllowed: project.overbillingAllowed });
  const blankFigures = compute(blank);
  const entries = stagedRelease(body, blankFigures) ?? blank;
  const figures = entries === blank ? blankFigures : compute(entries);
  const at = now.toISOString();
  const item: InvoiceItem = {
    projectId: path.projectId,
    invoiceId: randomUUID(),
    commitmentId: commitment.commitmentId,
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
    contract,
    createdBy: caller.userId,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const tasks = await planInvoiceTasks(item, item.status, commitment, { dueDate: period.dueDate, billsInvite: true, now });
  const outcome = await saveNewInvoice(item, period, latest, tasks);
  if (outcome.canceled) throw await createRefusal(outcome, item.number, period);
  const created = await invoiceReply({ project, member, invoice: item, commitment }, 201);
  return { ...created, headers: { ...created.headers, location: locationOf(item) } };
}
