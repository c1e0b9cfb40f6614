/**
 * Payments received against an owner invoice: the rules of payments issued (shared/domain/payments.ts)
 * applied to the owner invoice's paid sum, written in one transaction conditional on its version.
 */
import { randomUUID } from 'node:crypto';
import type { HttpInput, Reply } from '../../../shared/http/handler';
import { HttpProblem, problems } from '../../../shared/http/problem';
import { decodeCursor, encodeCursor } from '../../../shared/http/cursor';
import { writeTransactionOver, type WriteEntities } from '../../../shared/db/transaction';
import { invoiceEventWrite } from '../../../shared/db/invoices';
import { loadOwnerInvoice, type OwnerInvoiceItem } from '../../../shared/db/owner-invoices';
import type { OwnerPaymentItem } from '../../../shared/db/entities/owner-invoice';
import { formatCents } from '../../../shared/domain/cents';
import { currencyOf } from '../../../shared/domain/project-settings';
import { dispatchSoon } from '../../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../../shared/db/outbox-record';
import { applyPayment, normalizePaymentNumber, overpaymentRefusal, paymentAmountRefusal } from '../../../shared/domain/payments';
import { toOwnerPaymentResponse } from '../../../shared/api/owner-payments-views';
import { ownerInvoiceFor } from './shared';
import { ownerInvoiceEntities } from './entities';
import { ownerInvoicesRecordPayment, ownerInvoicesView } from '../../../shared/domain/permission-rules';
import { paymentReceivedEvent } from '../../../events/contracts';

/** How often a payment re-reads the owner invoice when another write changed it between the read and the transaction. */
const invoiceAttempts = 8;

const noSuchPayment = () => problems.notFound('No such payment on this owner invoice.');

const duplicateNumber = (number: string) =>
  new HttpProblem(409, 'conflict', 'Conflict', `Payment number "${number}" is already used on this head contract.`, [
    { location: 'body', field: 'paymentNumber', message: 'Already used by another payment received on this head contract (ignoring case and surrounding spaces)' },
  ]);

const refused = (status: 409 | 422, message: string) =>
  new HttpProblem(status, status === 409 ? 'overpayment' : 'payment-too-large', status === 409 ? 'Overpayment' : 'Payment too large', message, [
    { location: 'body', field: 'amountCents', message },
  ]);

/** The claim holding a payment number within the head contract (beside the invoices' `number:` and `position:` claims). */
const numberClaim = (payment: Pick<OwnerPaymentItem, 'projectId' | 'headContractId' | 'paymentNumber'>) => ({
  projectId: payment.projectId,
  headContractId: payment.headContractId,
  claim: `payment:${normalizePaymentNumber(payment.paymentNumber)}`,
});

/** G702 line 8: what the owner invoice asks to be paid. */
const paymentsOf = (invoice: OwnerInvoiceItem) => ({ dueCents: invoice.figures.summary.currentPaymentDueCents, paidCents: invoice.paidCents });

/** Ids that sort in the order payments were recorded, so the list reads in that order. */
const newPaymentId = () => `${Date.now().toString(36).padStart(10, '0')}-${randomUUID()}`;

/** The owner invoice's side of a payment recorded (+) or removed (−): its paid sum and status, conditional on the version read, and its history entry. */
function invoiceWrites(entities: Pick<WriteEntities, 'OwnerInvoice' | 'InvoiceEvent'>, invoice: OwnerInvoiceItem, payment: OwnerPaymentItem, sign: 1 | -1, by: string, at: string) {
  const next = applyPayment(paymentsOf(invoice), sign * payment.amountCents);
  return {
    invoice: entities.OwnerInvoice.patch({ projectId: invoice.projectId, ownerInvoiceId: invoice.ownerInvoiceId })
      .set({ paidCents: next.paidCents, paymentStatus: next.paymentStatus, updatedAt: at })
      .add({ version: 1 })
      .where((attr, op) => op.eq(attr.version, invoice.version))
      .commit(),
    invoiceEvent: invoiceEventWrite(entities, {
      projectId: invoice.projectId,
      invoiceId: invoice.ownerInvoiceId,
      type: 'payment_recorded',
      by,
      at,
      comment: `Payment received ${payment.paymentNumber} of ${formatCents(payment.amountCents)} ${sign > 0 ? 'recorded' : 'deleted'}.`,
      changes: [
        { field: 'paidCents', from: invoice.paidCents, to: next.paidCents },
        { field: 'paymentStatus', from: invoice.paymentStatus, to: next.paymentStatus },
        { field: 'payment', paymentId: payment.paymentId, paymentNumber: payment.paymentNumber, amountCents: sign * payment.amountCents },
      ],
    }),
  };
}

export async function listOwnerPayments({ path, query, caller }: HttpInput<'listOwnerPayments'>): Promise<Reply> {
  const { invoice } = await ownerInvoiceFor(ownerInvoicesView, path, caller.userId);
  const scope = `owner-payments:${invoice.projectId}:${invoice.ownerInvoiceId}`;
  const page = await ownerInvoiceEntities()
    .OwnerPayment.query.byOwnerInvoice({ projectId: invoice.projectId, ownerInvoiceId: invoice.ownerInvoiceId })
    .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
  return { body: { items: page.data.map(toOwnerPaymentResponse), nextCursor: encodeCursor(scope, page.cursor) } };
}

export async function getOwnerPayment({ path, caller }: HttpInput<'getOwnerPayment'>): Promise<Reply> {
  await ownerInvoiceFor(ownerInvoicesView, path, caller.userId);
  const { data } = await ownerInvoiceEntities().OwnerPayment.get(path).go();
  if (!data) throw noSuchPayment();
  return { body: toOwnerPaymentResponse(data) };
}

export async function createOwnerPayment({ path, body, caller }: HttpInput<'createOwnerPayment'>): Promise<Reply> {
  const { invoice: first, project } = await ownerInvoiceFor(ownerInvoicesRecordPayment, path, caller.userId);
  // The project's setting allows it for every payment; a payment may also allow it for itself.
  const overpaymentAllowed = body.allowOverpayment || (project.overpaymentAllowed ?? false);
  const at = new Date().toISOString();
  const item: OwnerPaymentItem = {
    projectId: first.projectId,
    ownerInvoiceId: first.ownerInvoiceId,
    headContractId: first.headContractId,
    paymentId: newPaymentId(),
    paymentNumber: body.paymentNumber,
    method: body.method,
    amountCents: body.amountCents,
    receivedOn: body.receivedOn,
    ...(body.reference ? { reference: body.reference } : {}),
    createdBy: caller.userId,
    createdAt: at,
  };

  // The domain event (webhooks), committed with the payment: a retry that meets the taken number emits nothing.
  const received = outboxRecord(
    paymentReceivedEvent,
    {
      projectId: item.projectId,
      headContractId: item.headContractId,
      ownerInvoiceId: item.ownerInvoiceId,
      paymentId: item.paymentId,
      paymentNumber: item.paymentNumber,
      amountCents: item.amountCents,
      currency: currencyOf(project).code,
      method: item.method,
      receivedOn: item.receivedOn,
      recordedBy: caller.userId,
      occurredAt: at,
    },
    new Date(at),
  );
  let invoice: OwnerInvoiceItem | undefined = first;
  for (let attempt = 1; attempt <= invoiceAttempts; attempt++) {
    // Consistent on retries: the read decides a conditional write and must see the write that beat it.
    invoice = attempt === 1 ? invoice : await loadOwnerInvoice(path.projectId, path.ownerInvoiceId, { consistent: true });
    if (!invoice) throw problems.notFound('No such owner invoice.');
    const tooLarge = paymentAmountRefusal(paymentsOf(invoice), body.amountCents);
    if (tooLarge) throw refused(422, `amountCents ${tooLarge}.`);
    const overpays = overpaymentRefusal({ ...paymentsOf(invoice), name: `Owner invoice ${invoice.number}` }, body.amountCents, overpaymentAllowed);
    if (overpays) throw refused(409, overpays);
    const current = invoice;
    // One transaction: the payment, its number and the invoice's paid sum change together or not at all.
    const outcome = await writeTransactionOver(ownerInvoiceEntities, (entities) => ({
      payment: entities.OwnerPayment.create(item).commit(),
      number: entities.OwnerInvoiceClaim.create({ ...numberClaim(item), ownerInvoiceId: item.ownerInvoiceId }).commit(),
      outbox: outboxWrite(entities, received),
      ...invoiceWrites(entities, current, item, 1, caller.userId, at),
    }));
    if (!outcome.canceled) {
      await dispatchSoon([received.outboxId]);
      return { status: 201, body: toOwnerPaymentResponse(item), headers: { location: `/v1/projects/${item.projectId}/owner-invoices/${item.ownerInvoiceId}/payments/${item.paymentId}` } };
    }
    if (outcome.failed.includes('number')) throw duplicateNumber(body.paymentNumber);
    // The invoice moved on since it was read (another payment, an edit): read it again.
    if (!outcome.failed.includes('invoice')) throw problems.busy('owner invoice');
  }
  throw problems.busy('owner invoice');
}

export async function deleteOwnerPayment({ path, caller }: HttpInput<'deleteOwnerPayment'>): Promise<Reply> {
  const { invoice: first } = await ownerInvoiceFor(ownerInvoicesRecordPayment, path, caller.userId);
  const { data: payment } = await ownerInvoiceEntities().OwnerPayment.get(path).go({ consistent: true });
  if (!payment) throw noSuchPayment();
  const at = new Date().toISOString();

  let invoice: OwnerInvoiceItem | undefined = first;
  for (let attempt = 1; attempt <= invoiceAttempts; attempt++) {
    invoice = attempt === 1 ? invoice : await loadOwnerInvoice(path.projectId, path.ownerInvoiceId, { consistent: true });
    const current = invoice;
    const outcome = await writeTransactionOver(ownerInvoiceEntities, (entities) => ({
      // `remove` fails when the payment is gone: a concurrent delete reverses the invoice only once.
      payment: entities.OwnerPayment.remove(path).commit(),
      number: entities.OwnerInvoiceClaim.delete(numberClaim(payment)).commit(),
      // An invoice deleted since leaves nothing to reverse.
      ...(current ? invoiceWrites(entities, current, payment, -1, caller.userId, at) : {}),
    }));
    if (!outcome.canceled) return { status: 204 };
    if (outcome.failed.includes('payment')) throw noSuchPayment();
    if (!outcome.failed.includes('invoice')) throw problems.busy('owner invoice');
  }
  throw problems.busy('owner invoice');
}
