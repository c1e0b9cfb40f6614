import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { enforce, enforceRefusal } from '../../../shared/http/access';
import { invoiceActionContext, invoiceReply } from '../../../shared/http/invoice-actions';
import { invoiceActionRefusal } from '../../../shared/domain/allowed-actions';
import { explainFailure, writeTransactionOver, type WriteOutcome } from '../../../shared/db/transaction';
import { invoiceEventWrite, loadInvoice, successorCheck, type InvoiceItem } from '../../../shared/db/invoices';
import { isOneOf } from '../../../shared/db/conditions';
import { editableStatuses, invoiceRole } from '../../../shared/domain/invoice-rules';
import type { InvoiceFigures, LineEntry } from '../../../shared/domain/invoice-figures';
import { loadInvoiceContext, type InvoiceContext } from '../../../shared/http/invoice-context';
import { invoiceHandlerEntities, noSuchInvoice } from './access';
import { bodyIndexesOf, editedEntries, figuresFor, retainageFields, type EntryChange } from './line-entries';
import { entryFieldNames, storedFieldOf } from '../../../shared/api/invoice-entry-names';
import { mergeProperInvoiceDetails, type ProperInvoiceDetails } from '../../../shared/domain/ontario-prompt-payment';
import { invoicesCreateOnBehalf, retainageSetAnyPeriod, retainageSetCurrentPeriod } from '../../../shared/domain/permission-rules';

type DetailChange = ReturnType<typeof mergeProperInvoiceDetails>['changes'][number];

type UpdateInvoiceRequest = HttpInput<'updateInvoice'>['body'];
const changedSinceRead = (version: number) => problems.preconditionFailed(`The invoice changed since you read it (now ${etagFor(version)}); read it again.`);

/**
 * The caller may edit these lines now: a contact, or an administrator on the contact's behalf (retainage
 * fields need their own permission); the version read (412), an editable status, for contacts an open
 * period before its due date, and only the commitment's latest invoice (409).
 */
async function enforceEditable(access: InvoiceContext, body: UpdateInvoiceRequest, expected: number, now: Date) {
  const { member, invoice, commitment } = access;
  const asContact = invoiceRole(member, commitment) === 'contact';
  if (!asContact) enforce(invoicesCreateOnBehalf, member, commitment);
  const touchesRetainage =
    body.allLines !== undefined || body.lines.some((line) => entryFieldNames.some((name) => line[name] !== undefined && retainageFields.includes(storedFieldOf[name])));
  if (touchesRetainage) enforce(asContact ? retainageSetCurrentPeriod : retainageSetAnyPeriod, member, commitment);

  if (invoice.version !== expected) throw changedSinceRead(invoice.version);
  // The rest is the `edit` action's rule, as `allowedActions` answers it.
  enforceRefusal(invoiceActionRefusal('edit', await invoiceActionContext(access, now)));
}

/** The previous invoice's figures as stored (its position − 1); absent for the first. */
async function loadPrevious(invoice: InvoiceItem): Promise<InvoiceItem | undefined> {
  if (invoice.position <= 1) return undefined;
  const { data } = await invoiceHandlerEntities().Invoice.query.byCommitment({ projectId: invoice.projectId, commitmentId: invoice.commitmentId, position: invoice.position - 1 }).go();
  if (!data[0]) throw problems.busy('invoice');
  return data[0];
}

/** Stores the new entries and figures if the invoice is still the version read, editable and the latest, with the history event. */
function saveEdit(
  invoice: InvoiceItem,
  expected: number,
  edit: { entries: LineEntry[]; figures: InvoiceFigures; properInvoice: ProperInvoiceDetails | undefined; changes: ReadonlyArray<EntryChange | DetailChange>; by: string; at: string },
) {
  return writeTransactionOver(invoiceHandlerEntities, (entities) => ({
    invoice: entities.Invoice.patch({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
      .set({ entries: edit.entries, figures: edit.figures, ...(edit.properInvoice && { properInvoice: edit.properInvoice }), updatedAt: edit.at })
      .add({ version: 1 })
      .where((attr, op) => `${op.eq(attr.version, expected)} AND (${isOneOf(op, attr.status, editableStatuses)})`)
      .commit(),
    successor: successorCheck(entities, invoice),
    event: invoiceEventWrite(entities, { projectId: invoice.projectId, invoiceId: invoice.invoiceId, type: 'edited', by: edit.by, at: edit.at, changes: edit.changes }),
  }));
}

function editFailure(outcome: WriteOutcome<'invoice' | 'successor' | 'event'>, invoice: InvoiceItem) {
  return explainFailure(
    outcome,
    {
      invoice: async () => {
        const now = await loadInvoice(invoice.projectId, invoice.invoiceId, { consistent: true });
        return now ? changedSinceRead(now.version) : noSuchInvoice();
      },
      successor: () => problems.conflict('Only the latest invoice of the commitment can be edited.'),
    },
    () => problems.busy('invoice'),
  );
}

export async function updateInvoice({ path, body, caller, headers }: HttpInput<'updateInvoice'>): Promise<Reply> {
  const now = new Date();
  const expected = requiredIfMatch(headers);
  const loaded = await loadInvoiceContext(path, caller.userId);
  await enforceEditable(loaded, body, expected, now);
  const { invoice, project } = loaded;

  // Entries in invoice line order, so the figures' issues name lines by position.
  const { bodyIndexOf, changes: bodyChanges } = bodyIndexesOf(invoice, body);
  const compute = figuresFor(invoice, await loadPrevious(invoice), project.overbillingAllowed, bodyIndexOf, body);
  const { entries, changes } = editedEntries(invoice, body, bodyIndexOf, bodyChanges);
  const figures = compute(entries);
  // Ontario's proper-invoice fields (stored on any invoice; the answer shows them on en-CA projects).
  const details = body.properInvoice ? mergeProperInvoiceDetails(invoice.properInvoice, body.properInvoice) : undefined;

  const at = now.toISOString();
  const properInvoice = details?.details ?? invoice.properInvoice;
  const outcome = await saveEdit(invoice, expected, { entries, figures, properInvoice, changes: [...changes, ...(details?.changes ?? [])], by: caller.userId, at });
  if (outcome.canceled) throw await editFailure(outcome, invoice);
  const stored: InvoiceItem = { ...invoice, entries, figures, ...(properInvoice && { properInvoice }), updatedAt: at, version: invoice.version + 1 };
  return invoiceReply({ ...loaded, invoice: stored });
}
