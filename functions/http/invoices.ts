import { randomUUID } from 'node:crypto';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { problems, type FieldError } from '../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../shared/http/etag';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import { authorize, type Membership } from '../../shared/domain/permissions';
import { db } from '../../shared/db/service';
import { explainFailure, writeTransaction, type WriteOutcome } from '../../shared/db/transaction';
import { loadCommitment, type CommitmentItem } from '../../shared/db/commitments';
import { loadBillingPeriod, loadOpenPeriod, type BillingPeriodItem } from '../../shared/db/billing-periods';
import { loadCommitmentsById } from '../../shared/db/invites';
import { invoiceEventWrite, isLatestInvoice, loadInvoice, loadLatestInvoices, nextInvoiceNumber, normalizeInvoiceNumber, positionKey, previousFrom, successorCheck, type InvoiceItem, type StoredSovLine } from '../../shared/db/invoices';
import { type EntryField, entryFieldNames, type LineEntryPatch, toInvoiceListItem, toInvoiceResponse } from '../../shared/api/invoices';
import type { SlidingScaleRule } from '../../shared/domain/sliding-scale';
import { InputError } from '../../shared/domain/errors';
import { computeInvoice, type InvoiceContract, type LineEntry } from '../../shared/domain/invoice-figures';
import { creationRefusal, deadlineRefusal, deletionRefusal, editableStatuses, editRefusal, invoiceRole } from '../../shared/domain/invoice-rules';
import { isOneOf } from '../../shared/db/conditions';
import { localDate } from '../../shared/domain/billing-periods';
import type { SovLine } from '../../shared/domain/sov';
import type { ProjectItem } from '../../shared/db/entities/project';


const noSuchCommitment = () => problems.notFound('No such commitment.');
const noSuchInvoice = () => problems.notFound('No such invoice.');

const retainageFields: readonly EntryField[] = [
  'workRetainagePercent',
  'workRetainageCents',
  'materialsRetainagePercent',
  'materialsRetainageCents',
  'workRetainageReleasedCents',
  'materialsRetainageReleasedCents',
];
const releaseFields: readonly EntryField[] = ['workRetainageReleasedCents', 'materialsRetainageReleasedCents'];
/** Giving one of a pair clears the other: they are two ways to enter the same figure. */
const alternatives: Partial<Record<EntryField, EntryField>> = {
  workThisPeriodCents: 'percentComplete',
  percentComplete: 'workThisPeriodCents',
  workRetainagePercent: 'workRetainageCents',
  workRetainageCents: 'workRetainagePercent',
  materialsRetainagePercent: 'materialsRetainageCents',
  materialsRetainageCents: 'materialsRetainagePercent',
};

const allowed = (action: Parameters<typeof authorize>[0], member: Membership, record: CommitmentItem) => authorize(action, member, record).allowed;

/** Why a contact cannot act on the period any more (its due date passed in the project's time zone), or undefined. */
const lateRefusal = (period: Pick<BillingPeriodItem, 'dueDate'>, project: Pick<ProjectItem, 'timeZone'>, now: Date, onBehalf: string) =>
  deadlineRefusal({ dueDate: period.dueDate, today: localDate(now, project.timeZone), onBehalf });

/** An issue's `lines.N…` field in the client's numbering of its `lines` (`lines` alone when the client did not send line N). */
function clientLineField(field: string, bodyIndex: (invoiceIndex: number) => number | undefined): string {
  const match = /^lines\.(\d+)(\..*)?$/.exec(field);
  const index = match ? bodyIndex(Number(match[1])) : undefined;
  return match && index !== undefined ? `lines.${index}${match[2] ?? ''}` : 'lines';
}

/** The invoice, its commitment and the caller's membership; `action` enforced on the commitment (404 when invisible). */
async function invoiceFor(action: 'invoices.view' | 'invoices.delete' | null, path: { projectId: string; invoiceId: string }, userId: string) {
  const [{ project, member }, invoice] = await Promise.all([loadProjectAccess(path.projectId, userId), loadInvoice(path.projectId, path.invoiceId)]);
  if (!invoice) throw noSuchInvoice();
  const commitment = await loadCommitment(path.projectId, invoice.commitmentId);
  if (!commitment) throw noSuchInvoice();
  if (action) enforce(action, member, commitment);
  return { project, member, invoice, commitment };
}

const locationOf = (item: InvoiceItem) => `/v1/projects/${item.projectId}/invoices/${item.invoiceId}`;

/** The SOV lines an invoice bills: the SOV (with approved change-order lines) and, with SSOV, its sub-lines for reference. */
async function billedLines(commitment: CommitmentItem): Promise<StoredSovLine[]> {
  const key = { projectId: commitment.projectId, commitmentId: commitment.commitmentId };
  const [{ data: sov }, ssov] = await Promise.all([
    db().Sov.get(key).go({ consistent: true }),
    commitment.ssovEnabled ? db().Ssov.get(key).go({ consistent: true }) : Promise.resolve(undefined),
  ]);
  const subLines = ssov?.data?.lines ?? [];
  return ((sov?.lines ?? []) as SovLine[]).map((line) => {
    const subs = subLines.filter((s) => s.parentLineId === line.lineId);
    const stored: StoredSovLine = {
      lineId: line.lineId,
      description: line.description,
      scheduledValueCents: line.scheduledValueCents,
      ...(line.costCode !== undefined && { costCode: line.costCode }),
      ...(line.changeOrderId !== undefined && { changeOrderId: line.changeOrderId }),
      ...(line.quantity !== undefined && { quantity: line.quantity }),
      ...(line.unitPrice !== undefined && { unitPrice: line.unitPrice }),
      ...(line.unitOfMeasure !== undefined && { unitOfMeasure: line.unitOfMeasure }),
      ...(subs.length > 0 && { subLines: subs.map((s) => ({ subLineId: s.subLineId, description: s.description, amountCents: s.amountCents })) }),
    };
    return stored;
  });
}

type CreateItem = 'invoice' | 'number' | 'position' | 'period' | 'previous' | 'event';

/** Why a create transaction was cancelled, by the name of its failed write. */
async function createRefusal(outcome: WriteOutcome<CreateItem>, number: string, period: BillingPeriodItem) {
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

/** Applies a line's change to its entry: given fields replace, null clears, a pair's other half is cleared. */
function patchEntry(entry: LineEntry, change: LineEntryPatch): { entry: LineEntry; changes: Array<{ field: EntryField; from: unknown; to: unknown }> } {
  const next: Record<string, unknown> = { ...entry };
  for (const field of entryFieldNames) {
    const value = change[field];
    if (value === undefined) continue;
    const other = alternatives[field];
    if (other && value !== null) delete next[other];
    if (value === null) delete next[field];
    else next[field] = value;
  }
  const changes = entryFieldNames
    .filter((field) => next[field] !== entry[field])
    .map((field) => ({ field, from: entry[field] ?? null, to: next[field] ?? null }));
  return { entry: next as unknown as LineEntry, changes };
}

export const handler = httpRouter(
  {
    createInvoice: async ({ path, body, caller }) => {
      const now = new Date();
      const [{ project, member }, commitment] = await Promise.all([
        loadProjectAccess(path.projectId, caller.userId),
        loadCommitment(path.projectId, path.commitmentId),
      ]);
      if (!commitment) throw noSuchCommitment();
      const asContact = invoiceRole(member, commitment) === 'contact';
      if (!asContact) enforce('invoices.create_on_behalf', member, commitment);
      if (body.kind === 'retainage_release') enforce('retainage.create_release_current_period', member, commitment);

      const period = await loadOpenPeriod(path.projectId, { consistent: true, project });
      if (!period) throw problems.conflict('The project has no open billing period; invoices are created in the open period.');
      if (asContact) {
        const late = lateRefusal(period, project, now, 'still create the invoice');
        if (late) throw problems.conflict(late);
        if (project.defaultInvoiceType === 'none') {
          const { data: invite } = await db().Invite.get({ projectId: path.projectId, billingPeriodId: period.billingPeriodId, commitmentId: commitment.commitmentId }).go();
          if (!invite || invite.status === 'declined') {
            throw problems.conflict(
              invite ? 'The invite to bill for this period was declined.' : 'This project invoices by invitation: this commitment has no invite to bill for the period.',
            );
          }
        }
      }
      if (commitment.ssovEnabled && commitment.ssovStatus !== 'approved') {
        throw problems.conflict(`The commitment's SSOV must be approved before invoicing; it is ${commitment.ssovStatus ?? 'not started'}.`);
      }

      const [recent, sovLines] = await Promise.all([loadLatestInvoices(path.projectId, commitment.commitmentId, 2), billedLines(commitment)]);
      const latest = recent[0];
      const sameKindInPeriod = recent.find((i) => i.billingPeriodId === period.billingPeriodId && i.kind === body.kind);
      const refusal = creationRefusal({ kind: body.kind, ...(latest && { latest }), ...(sameKindInPeriod && { sameKindInPeriod }), sovLineCount: sovLines.length });
      if (refusal) throw problems.conflict(refusal);

      const contract: InvoiceContract = {
        originalContractSumCents: commitment.originalContractSumCents,
        approvedChangeOrdersCents: commitment.approvedChangeOrdersCents,
        retainage: { ...commitment.retainage },
        // The rules as they stand now travel with the invoice: later changes never reach it.
        ...(slidingScaleRulesOf(commitment).length > 0 && { slidingScale: { rules: slidingScaleRulesOf(commitment) } }),
      };
      const entries: LineEntry[] = sovLines.map((line) => ({ lineId: line.lineId }));
      const computed = computeInvoice({ sovLines, contract, ...(latest && { previous: previousFrom(latest) }), entries, overbillingAllowed: project.overbillingAllowed });

      const at = now.toISOString();
      const number = body.number ?? nextInvoiceNumber(latest);
      const item: InvoiceItem = {
        projectId: path.projectId,
        invoiceId: randomUUID(),
        commitmentId: commitment.commitmentId,
        billingPeriodId: period.billingPeriodId,
        number,
        position: (latest?.position ?? 0) + 1,
        kind: body.kind,
        status: 'draft',
        paymentStatus: 'unpaid',
        paidCents: 0,
        entries,
        figures: computed,
        sovLines,
        contract,
        createdBy: caller.userId,
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
      const numberKey = { projectId: item.projectId, commitmentId: item.commitmentId };
      const outcome = await writeTransaction<CreateItem>((entities) => ({
        invoice: entities.Invoice.create(item).commit(),
        number: entities.InvoiceNumber.create({ ...numberKey, normalizedNumber: normalizeInvoiceNumber(number), invoiceId: item.invoiceId }).commit(),
        position: entities.InvoiceNumber.create({ ...numberKey, normalizedNumber: positionKey(item.position), invoiceId: item.invoiceId }).commit(),
        period: entities.BillingPeriod.patch({ projectId: period.projectId, billingPeriodId: period.billingPeriodId })
          .add({ invoiceCount: 1 })
          .where((attr, op) => op.eq(attr.status, 'open'))
          .commit(),
        // The previous figures are final: it is still as read (settled, not reopened).
        previous: latest && entities.Invoice.check({ projectId: latest.projectId, invoiceId: latest.invoiceId }).where((attr, op) => op.eq(attr.version, latest.version)).commit(),
        event: invoiceEventWrite(entities, { projectId: item.projectId, invoiceId: item.invoiceId, type: 'created', by: caller.userId, at, toStatus: 'draft' }),
      }));
      if (outcome.canceled) throw await createRefusal(outcome, number, period);
      return { status: 201, body: toInvoiceResponse(item), headers: { location: locationOf(item), etag: etagFor(item.version) } };
    },

    listInvoices: async ({ path, query, caller }) => {
      const { member } = await loadProjectAccess(path.projectId, caller.userId);
      // read_only members see the invoices of the commitments they are contacts on: decided per commitment below.
      if (member.commitments !== 'read_only') enforce('invoices.view', member);
      const scope = `invoices:${path.projectId}:${query.billingPeriodId ?? ''}:${query.commitmentId ?? ''}:${query.status ?? ''}`;
      const cursor = decodeCursor(scope, query.cursor);
      const { Invoice } = db();
      const { projectId, billingPeriodId, commitmentId, status } = { projectId: path.projectId, ...query };
      const request = billingPeriodId
        ? Invoice.query.byPeriod({ projectId, billingPeriodId, ...(commitmentId && { commitmentId }) })
        : commitmentId
          ? Invoice.query.byCommitment({ projectId, commitmentId })
          : Invoice.query.byProject({ projectId });
      const filtered = status ? request.where((attr, op) => op.eq(attr.status, status)) : request;
      const page = await filtered.go({ cursor, limit: query.limit });
      const commitments = new Map(
        (await loadCommitmentsById(projectId, [...new Set(page.data.map((i) => i.commitmentId))])).map((c) => [c.commitmentId, c]),
      );
      const items = page.data.flatMap((invoice) => {
        const commitment = commitments.get(invoice.commitmentId);
        return commitment && allowed('invoices.view', member, commitment) ? [toInvoiceListItem(invoice, commitment)] : [];
      });
      return { body: { items, nextCursor: encodeCursor(scope, page.cursor) } };
    },

    getInvoice: async ({ path, caller }) => {
      const { invoice } = await invoiceFor('invoices.view', path, caller.userId);
      return { body: toInvoiceResponse(invoice), headers: { etag: etagFor(invoice.version) } };
    },

    updateInvoice: async ({ path, body, caller, headers }) => {
      const now = new Date();
      const expected = requiredIfMatch(headers);
      const { project, member, invoice, commitment } = await invoiceFor(null, path, caller.userId);
      const asContact = invoiceRole(member, commitment) === 'contact';
      if (!asContact) enforce('invoices.create_on_behalf', member, commitment);
      const touchesRetainage = body.allLines !== undefined || body.lines.some((line) => retainageFields.some((field) => line[field] !== undefined));
      if (touchesRetainage) enforce(asContact ? 'retainage.set_current_period' : 'retainage.set_any_period', member, commitment);

      if (invoice.version !== expected) throw problems.preconditionFailed(`The invoice changed since you read it (now ${etagFor(invoice.version)}); read it again.`);
      const notEditable = editRefusal(invoice.status);
      if (notEditable) throw problems.conflict(notEditable);
      if (asContact) {
        const period = await loadBillingPeriod(invoice.projectId, invoice.billingPeriodId);
        if (!period || period.status !== 'open') throw problems.conflict('The invoice’s billing period is closed; an invoice administrator can still edit it.');
        const late = lateRefusal(period, project, now, 'still edit it');
        if (late) throw problems.conflict(late);
      }
      if (!(await isLatestInvoice(invoice))) throw problems.conflict('Only the latest invoice of the commitment can be edited.');

      // Entries in invoice line order, so the figures' issues name lines by position.
      const sovLines = invoice.sovLines;
      const lineIndex = new Map(sovLines.map((line, index) => [line.lineId, index]));
      const bodyIndexOf = new Map<number, number>();
      const issues: FieldError[] = [];
      body.lines.forEach((line, index) => {
        const at = lineIndex.get(line.lineId);
        if (at === undefined) issues.push({ location: 'body', field: `lines.${index}.lineId`, message: 'No such line on this invoice.' });
        else if (bodyIndexOf.has(at)) issues.push({ location: 'body', field: `lines.${index}.lineId`, message: 'The line is listed twice.' });
        else bodyIndexOf.set(at, index);
        if (invoice.kind === 'retainage_release') {
          for (const field of entryFieldNames) {
            if (line[field] !== undefined && !releaseFields.includes(field)) {
              issues.push({ location: 'body', field: `lines.${index}.${field}`, message: 'A retainage release invoice only releases retainage.' });
            }
          }
        }
      });
      if (invoice.kind === 'retainage_release') {
        for (const field of ['workRetainagePercent', 'materialsRetainagePercent'] as const) {
          if (body.allLines?.[field] !== undefined) issues.push({ location: 'body', field: `allLines.${field}`, message: 'A retainage release invoice only releases retainage.' });
        }
      }
      if (issues.length) throw problems.validation(issues);

      // The previous invoice's figures as stored (its position − 1); absent for the first.
      const previous =
        invoice.position > 1
          ? (await db().Invoice.query.byCommitment({ projectId: invoice.projectId, commitmentId: invoice.commitmentId, position: invoice.position - 1 }).go()).data[0]
          : undefined;
      if (invoice.position > 1 && !previous) throw problems.busy('invoice');
      const compute = (entries: LineEntry[]) => {
        try {
          return computeInvoice({
            sovLines,
            contract: invoice.contract,
            ...(previous && { previous: previousFrom(previous) }),
            entries,
            overbillingAllowed: project.overbillingAllowed,
          });
        } catch (error) {
          throw error instanceof InputError ? error.renamed((field) => clientLineField(field, (i) => bodyIndexOf.get(i))) : error;
        }
      };

      // Each line's change: what `allLines` sets for every line, then the line's own fields over it.
      const current = new Map(invoice.entries.map((e) => [e.lineId, e]));
      const lineChanges = sovLines.map((line, index): LineEntryPatch => {
        const bodyIndex = bodyIndexOf.get(index);
        const { releaseAllRetainage: _release, ...percentages } = body.allLines ?? {};
        return { ...percentages, ...(bodyIndex === undefined ? { lineId: line.lineId } : body.lines[bodyIndex]!) };
      });
      const entriesFor = (changesByLine: LineEntryPatch[]) =>
        sovLines.map((line, index) => patchEntry(current.get(line.lineId) ?? { lineId: line.lineId }, changesByLine[index]!));
      if (body.allLines?.releaseAllRetainage) {
        // Release what each bucket holds once this period's work is counted: figures with no
        // release this period give that amount, unless the line names its own release.
        const held = compute(
          entriesFor(lineChanges.map((change) => ({ ...change, workRetainageReleasedCents: null, materialsRetainageReleasedCents: null }))).map((p) => p.entry),
        );
        lineChanges.forEach((change, index) => {
          const line = held.lines[index]!;
          change.workRetainageReleasedCents ??= line.workRetainage.currentlyRetainedCents;
          change.materialsRetainageReleasedCents ??= line.materialsRetainage.currentlyRetainedCents;
        });
      }
      const patched = entriesFor(lineChanges);
      const entries = patched.map((p) => p.entry);
      const changes: Array<{ lineId: string; field: EntryField; from: unknown; to: unknown }> = patched.flatMap((p, index) =>
        p.changes.map((c) => ({ lineId: sovLines[index]!.lineId, ...c })),
      );
      const computed = compute(entries);

      const at = now.toISOString();
      const outcome = await writeTransaction((entities) => ({
        invoice: entities.Invoice.patch({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
          .set({ entries, figures: computed, updatedAt: at })
          .add({ version: 1 })
          .where((attr, op) => `${op.eq(attr.version, expected)} AND (${isOneOf(op, attr.status, editableStatuses)})`)
          .commit(),
        successor: successorCheck(entities, invoice),
        event: invoiceEventWrite(entities, { projectId: invoice.projectId, invoiceId: invoice.invoiceId, type: 'edited', by: caller.userId, at, changes }),
      }));
      if (outcome.canceled) {
        throw await explainFailure(
          outcome,
          {
            invoice: async () => {
              const now = await loadInvoice(invoice.projectId, invoice.invoiceId, { consistent: true });
              return now ? problems.preconditionFailed(`The invoice changed since you read it (now ${etagFor(now.version)}); read it again.`) : noSuchInvoice();
            },
            successor: () => problems.conflict('Only the latest invoice of the commitment can be edited.'),
          },
          () => problems.busy('invoice'),
        );
      }
      const stored: InvoiceItem = { ...invoice, entries, figures: computed, updatedAt: at, version: invoice.version + 1 };
      return { body: toInvoiceResponse(stored), headers: { etag: etagFor(stored.version) } };
    },

    deleteInvoice: async ({ path, caller }) => {
      const { invoice } = await invoiceFor('invoices.delete', path, caller.userId);
      const undeletable = deletionRefusal(invoice);
      if (undeletable) throw problems.conflict(undeletable);
      if (!(await isLatestInvoice(invoice))) throw problems.conflict('Only the latest invoice of the commitment can be deleted.');

      const numberKey = { projectId: invoice.projectId, commitmentId: invoice.commitmentId };
      const outcome = await writeTransaction((entities) => ({
        // Still as checked: no status change or payment since it was read.
        invoice: entities.Invoice.delete({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
          .where((attr, op) => op.eq(attr.version, invoice.version))
          .commit(),
        successor: successorCheck(entities, invoice),
        number: entities.InvoiceNumber.delete({ ...numberKey, normalizedNumber: normalizeInvoiceNumber(invoice.number) }).commit(),
        position: entities.InvoiceNumber.delete({ ...numberKey, normalizedNumber: positionKey(invoice.position) }).commit(),
        period: entities.BillingPeriod.patch({ projectId: invoice.projectId, billingPeriodId: invoice.billingPeriodId }).add({ invoiceCount: -1 }).commit(),
      }));
      if (outcome.canceled) {
        throw await explainFailure(
          outcome,
          {
            invoice: () => problems.conflict('The invoice changed meanwhile; read it again.'),
            successor: () => problems.conflict('Only the latest invoice of the commitment can be deleted.'),
          },
          () => problems.busy('invoice'),
        );
      }
      return { status: 204 };
    },
  },
  { idempotency: idempotencyKey },
);

/** The commitment's sliding-scale rules (functions/http/retainage-rules.ts stores them). */
const slidingScaleRulesOf = (commitment: Pick<CommitmentItem, 'slidingScale'>): SlidingScaleRule[] =>
  commitment.slidingScale?.rules ?? [];
