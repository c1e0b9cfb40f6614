import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { writeTransactionOver } from '../../../shared/db/transaction';
import { isOneOf } from '../../../shared/db/conditions';
import { invoiceEventWrite } from '../../../shared/db/invoices';
import { isLatestOwnerInvoice, loadOwnerInvoiceAt, ownerSuccessorCheck, type OwnerInvoiceItem } from '../../../shared/db/owner-invoices';
import { editableStatuses, editRefusal } from '../../../shared/domain/invoice-rules';
import type { InvoiceFigures, InvoiceSummary } from '../../../shared/domain/invoice-figures';
import { toOwnerInvoiceResponse } from '../../../shared/api/owner-invoice-views';
import { mergeProperInvoiceDetails } from '../../../shared/domain/ontario-prompt-payment';
import { ownerInvoiceDeadlines } from '../../../shared/http/payment-deadlines';
import { bodyIndexesOf, editedEntries, figuresFor } from '../invoices/line-entries';
import { changedSinceRead, editFailure, ownerInvoiceFor } from './shared';
import type { ProjectItem } from '../../../shared/db/entities/project';
import type { HeadContractItem } from '../../../shared/db/head-contracts';
import { ownerInvoiceEntities } from './entities';
import { ownerInvoicesEdit } from '../../../shared/domain/permission-rules';

/** The G702 lines an edit changed, from → to: what the history shows beside the entries. */
export function summaryChanges(before: InvoiceSummary, after: InvoiceSummary) {
  return Object.fromEntries(
    (Object.keys(after) as Array<keyof InvoiceSummary>).filter((line) => before[line] !== after[line]).map((line) => [line, { from: before[line], to: after[line] }]),
  );
}

/**
 * Saves an edit of a draft (or revise & resubmit) owner invoice: on condition it is still the
 * version read and editable, and still the latest; with its history entry; answering the invoice.
 */
export async function saveOwnerInvoiceEdit(edit: {
  invoice: OwnerInvoiceItem;
  expected: number;
  set: Pick<OwnerInvoiceItem, 'entries' | 'figures'> & Partial<Pick<OwnerInvoiceItem, 'properInvoice' | 'prefill'>>;
  changes: Record<string, unknown>;
  by: string;
  at: string;
  project: ProjectItem;
  contract: HeadContractItem;
}): Promise<Reply> {
  const { invoice, expected, set, at, project, contract } = edit;
  const key = { projectId: invoice.projectId, ownerInvoiceId: invoice.ownerInvoiceId };
  const outcome = await writeTransactionOver(ownerInvoiceEntities, (entities) => ({
    invoice: entities.OwnerInvoice.patch(key)
      .set({ ...set, updatedAt: at })
      .add({ version: 1 })
      .where((attr, op) => `${op.eq(attr.version, expected)} AND (${isOneOf(op, attr.status, editableStatuses)})`)
      .commit(),
    successor: ownerSuccessorCheck(entities, invoice),
    event: invoiceEventWrite(entities, { projectId: invoice.projectId, invoiceId: invoice.ownerInvoiceId, type: 'edited', by: edit.by, at, changes: edit.changes }),
  }));
  if (outcome.canceled) throw await editFailure(outcome, invoice);
  const stored: OwnerInvoiceItem = { ...invoice, ...set, updatedAt: at, version: invoice.version + 1 };
  return { body: toOwnerInvoiceResponse(stored, await ownerInvoiceDeadlines(project, contract, stored)), headers: { etag: etagFor(stored.version) } };
}

/** The previous owner invoice's figures (position − 1); absent for the first. */
export async function loadPrevious(invoice: OwnerInvoiceItem): Promise<OwnerInvoiceItem | undefined> {
  if (invoice.position <= 1) return undefined;
  const previous = await loadOwnerInvoiceAt(invoice.projectId, invoice.headContractId, invoice.position - 1);
  if (!previous) throw problems.busy('owner invoice');
  return previous;
}

export async function updateOwnerInvoice({ path, body, caller, headers }: HttpInput<'updateOwnerInvoice'>): Promise<Reply> {
  const expected = requiredIfMatch(headers);
  const { invoice, project, contract } = await ownerInvoiceFor(ownerInvoicesEdit, path, caller.userId);
  if (invoice.version !== expected) throw changedSinceRead(invoice.version);
  const notEditable = editRefusal(invoice.status);
  if (notEditable) throw problems.conflict(notEditable);
  if (!(await isLatestOwnerInvoice(invoice))) throw problems.conflict('Only the latest owner invoice of the head contract can be edited.');

  // The subcontractor invoice's line entry: the same PATCH body, rules and figures.
  const { bodyIndexOf, changes: bodyChanges } = bodyIndexesOf(invoice, body);
  const compute = figuresFor(invoice, await loadPrevious(invoice), project.overbillingAllowed, bodyIndexOf, body);
  const { entries, changes } = editedEntries(invoice, body, bodyIndexOf, bodyChanges);
  const figures: InvoiceFigures = compute(entries);
  const details = body.properInvoice ? mergeProperInvoiceDetails(invoice.properInvoice, body.properInvoice) : undefined;
  const properInvoice = details?.details ?? invoice.properInvoice;

  return saveOwnerInvoiceEdit({
    invoice,
    expected,
    set: { entries, figures, ...(properInvoice && { properInvoice }) },
    changes: { entries: changes, summary: summaryChanges(invoice.figures.summary, figures.summary), ...(details && { properInvoice: details.changes }) },
    by: caller.userId,
    at: new Date().toISOString(),
    project,
    contract,
  });
}
