import type { HttpInput, Reply } from '../../../shared/http/handler';
import { problems } from '../../../shared/http/problem';
import { etagFor, requiredIfMatch } from '../../../shared/http/etag';
import { explainFailure, writeTransactionOver } from '../../../shared/db/transaction';
import { invoiceEventWrite } from '../../../shared/db/invoices';
import type { OwnerInvoiceItem } from '../../../shared/db/owner-invoices';
import { ownerTransitionRefusal } from '../../../shared/domain/owner-invoices';
import { figuresFreeStatuses, signatureLockRefusal } from '../../../shared/domain/signatures';
import { isEditable } from '../../../shared/domain/invoice-rules';
import { isOneOf } from '../../../shared/db/conditions';
import { ownerInvoiceDeadlines } from '../../../shared/http/payment-deadlines';
import { toOwnerInvoiceResponse } from '../../../shared/api/owner-invoice-views';
import { dispatchSoon } from '../../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../../shared/db/outbox-record';
import { changedOrGone, changedSinceRead, ownerInvoiceFor } from './shared';
import { heldInvoiceMoves, heldInvoiceWrites } from './held-invoices';
import { ownerStatusEmails } from './notify';
import { ownerInvoiceEntities } from './entities';
import { ownerInvoicesEdit } from '../../../shared/domain/permission-rules';
import { emailRequestedEvent, ownerInvoiceStatusChangedEvent } from '../../../events/contracts';

/** DynamoDB's 100 items per transaction, less the invoice, its event and its domain event. */
const emailsPerTransaction = 97;

/** Sends the owner invoice to the owner (→ under review) or records the owner's answer, with the history event, at the If-Match version. */
export async function changeOwnerInvoiceStatus({ path, body, caller, headers }: HttpInput<'changeOwnerInvoiceStatus'>): Promise<Reply> {
  const expected = requiredIfMatch(headers);
  const { invoice, project, contract } = await ownerInvoiceFor(ownerInvoicesEdit, path, caller.userId);
  if (invoice.version !== expected) throw changedSinceRead(invoice.version);
  const refusal = ownerTransitionRefusal(invoice.status, body.status) ?? signatureLockRefusal(invoice.signatureStatus, body.status);
  if (refusal) throw problems.conflict(refusal);
  // Back to an editable status only while no signature request holds the figures (checked again at write time).
  const reopens = isEditable(body.status);

  // With the project's hold setting, the subcontractor invoices it includes move in the same transaction.
  const held = await heldInvoiceMoves(project, invoice, body.status);
  const now = new Date();
  const at = now.toISOString();
  const set = { status: body.status, updatedAt: at, ...(body.status === 'under_review' && { submittedAt: at }) };
  // The head-contract admins' emails, outbox records of the same transaction: sent exactly when the step is made.
  const emails = await ownerStatusEmails({ project, contract, invoice: { ...invoice, ...set, version: invoice.version + 1 }, to: body.status, by: caller.userId, ...(body.comment && { comment: body.comment }) });
  const records = emails.slice(0, Math.max(0, emailsPerTransaction - 2 * held.length)).map((email) => outboxRecord(emailRequestedEvent, email, now));
  // The domain event (webhooks), committed with the step like its emails.
  records.push(
    outboxRecord(
      ownerInvoiceStatusChangedEvent,
      {
        projectId: invoice.projectId,
        ownerInvoiceId: invoice.ownerInvoiceId,
        headContractId: invoice.headContractId,
        invoiceNumber: invoice.number,
        fromStatus: invoice.status,
        toStatus: body.status,
        changedBy: caller.userId,
        occurredAt: at,
      },
      now,
    ),
  );
  const outcome = await writeTransactionOver(ownerInvoiceEntities, (entities) => ({
    ...Object.fromEntries(records.map((record, index) => [`email${index}`, outboxWrite(entities, record)])),
    invoice: entities.OwnerInvoice.patch({ projectId: invoice.projectId, ownerInvoiceId: invoice.ownerInvoiceId })
      .set(set)
      .add({ version: 1 })
      .where((attr, op) =>
        reopens
          ? `${op.eq(attr.version, expected)} AND ${op.eq(attr.status, invoice.status)} AND (${op.notExists(attr.signatureStatus)} OR ${isOneOf(op, attr.signatureStatus, figuresFreeStatuses)})`
          : `${op.eq(attr.version, expected)} AND ${op.eq(attr.status, invoice.status)}`,
      )
      .commit(),
    event: invoiceEventWrite(entities, {
      projectId: invoice.projectId,
      invoiceId: invoice.ownerInvoiceId,
      type: 'status_changed',
      by: caller.userId,
      at,
      fromStatus: invoice.status,
      toStatus: body.status,
      ...(body.comment && { comment: body.comment }),
    }),
    ...heldInvoiceWrites(entities, invoice, held, caller.userId, at),
  }));
  if (outcome.canceled) {
    throw await explainFailure(
      outcome,
      {
        invoice: () => changedOrGone(invoice),
      },
      () => (outcome.failed.some((name) => name.startsWith('held')) ? problems.conflict('A subcontractor invoice it includes changed meanwhile; retry.') : problems.busy('owner invoice')),
    );
  }
  await dispatchSoon(records.map((record) => record.outboxId));
  const stored: OwnerInvoiceItem = { ...invoice, ...set, version: invoice.version + 1 };
  return { body: toOwnerInvoiceResponse(stored, await ownerInvoiceDeadlines(project, contract, stored)), headers: { etag: etagFor(stored.version) } };
}
