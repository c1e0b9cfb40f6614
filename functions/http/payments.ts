import { randomUUID } from 'node:crypto';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { HttpProblem, problems } from '../../shared/http/problem';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { enforce, enforceRefusal, loadProjectAccess } from '../../shared/http/access';
import { commitmentActionRefusal } from '../../shared/domain/allowed-actions';
import type { ActionRule } from '../../shared/domain/permissions';
import { entitiesOf } from '../../shared/db/service';
import { loadCommitment } from '../../shared/db/commitments';
import { invoiceEventWrite, loadInvoice, type InvoiceItem } from '../../shared/db/invoices';
import { writeTransactionOver, type WriteEntities } from '../../shared/db/transaction';
import { formatCents } from '../../shared/domain/money';
import { currencyOf } from '../../shared/domain/project-settings';
import { dispatchSoon } from '../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../shared/db/outbox-record';
import { applyPayment, normalizePaymentNumber, overpaymentRefusal, paymentAmountRefusal } from '../../shared/domain/payments';
import type { CreatePaymentBody } from '../../shared/api/payments';
import type { PaymentResponse } from '../../shared/api/payments.docs';
import { Invoice, InvoiceEvent, Payment, PaymentNumber, type PaymentItem } from '../../shared/db/entities/invoice';
import { Outbox } from '../../shared/db/entities/outbox';
import { paymentRoutes } from '../../shared/api/payments';
import { commitmentsView, paymentsAdd } from '../../shared/domain/permission-rules';
import { paymentRecordedEvent } from '../../events/contracts';

/** A payment, its number, the invoice it pays (with its history) and the payment's domain event. */
const paymentEntities = /* @__PURE__ */ entitiesOf({ Payment, PaymentNumber, Invoice, InvoiceEvent, Outbox });


/**
 * How often a payment against an invoice re-reads the invoice when another write changed it
 * between the read and the transaction (each payment is counted once, none is lost).
 */
const invoiceAttempts = 8;

const noSuchCommitment = () => problems.notFound('No such commitment.');
const noSuchPayment = () => problems.notFound('No such payment on this commitment.');

const duplicateNumber = (number: string) =>
  new HttpProblem(409, 'conflict', 'Conflict', `Payment number "${number}" is already used on this commitment.`, [
    { location: 'body', field: 'paymentNumber', message: 'Already used by another payment of this commitment (ignoring case and surrounding spaces)' },
  ]);

const paymentTooLarge = (message: string) =>
  new HttpProblem(422, 'payment-too-large', 'Payment too large', `amountCents ${message}.`, [{ location: 'body', field: 'amountCents', message }]);

const notAnInvoiceOfTheCommitment = () =>
  problems.validation([{ location: 'body', field: 'invoiceId', message: 'Not an invoice of this commitment' }]);

/** The caller's membership and the commitment, with the action enforced on it (404 when invisible). */
async function commitmentFor(action: ActionRule, path: { projectId: string; commitmentId: string }, userId: string) {
  const { member, commitment } = await commitmentAccess(path, userId);
  enforce(action, member, commitment);
  return commitment;
}

async function commitmentAccess(path: { projectId: string; commitmentId: string }, userId: string) {
  const [{ project, member }, commitment] = await Promise.all([loadProjectAccess(path.projectId, userId), loadCommitment(path.projectId, path.commitmentId)]);
  if (!commitment) throw noSuchCommitment();
  return { project, member, commitment };
}

async function loadInvoiceOf(projectId: string, commitmentId: string, invoiceId: string): Promise<InvoiceItem | undefined> {
  // Consistent: the read decides a conditional write, and a retry must see the write that beat it.
  const invoice = await loadInvoice(projectId, invoiceId, { consistent: true });
  return invoice?.commitmentId === commitmentId ? invoice : undefined;
}

/** G702 line 8: what the invoice asks to be paid. */
const dueOf = (invoice: InvoiceItem) => invoice.figures.summary.currentPaymentDueCents;

const toPaymentResponse = (item: PaymentItem): PaymentResponse => ({
  projectId: item.projectId,
  commitmentId: item.commitmentId,
  paymentId: item.paymentId,
  paymentNumber: item.paymentNumber,
  method: item.method,
  amountCents: item.amountCents,
  paidOn: item.paidOn,
  invoiceId: item.invoiceId ?? null,
  checkNumber: item.checkNumber ?? null,
  notes: item.notes ?? null,
  createdBy: item.createdBy,
  createdAt: item.createdAt,
});

const locationOf = (item: PaymentItem) => `/v1/projects/${item.projectId}/commitments/${item.commitmentId}/payments/${item.paymentId}`;

/** Ids that sort in the order payments were recorded, so the list (by id) reads in that order. */
const newPaymentId = () => `${Date.now().toString(36).padStart(10, '0')}-${randomUUID()}`;

/**
 * The invoice side of a payment being recorded (+) or removed (−): the patch of its paid sum and
 * payment status, conditional on the version read, and its history entry, as transaction items.
 */
function invoiceWrites(invoice: InvoiceItem, payment: PaymentItem, sign: 1 | -1, by: string, at: string) {
  const next = applyPayment({ dueCents: dueOf(invoice), paidCents: invoice.paidCents }, sign * payment.amountCents);
  const verb = sign > 0 ? 'recorded' : 'deleted';
  return {
    next,
    writes: (entities: Pick<WriteEntities, 'Invoice' | 'InvoiceEvent'>) => ({
      invoice: entities.Invoice.patch({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
        .set({ paidCents: next.paidCents, paymentStatus: next.paymentStatus, updatedAt: at })
        .add({ version: 1 })
        .where((attr, op) => op.eq(attr.version, invoice.version))
        .commit(),
      invoiceEvent: invoiceEventWrite(entities, {
        projectId: invoice.projectId,
        invoiceId: invoice.invoiceId,
        type: 'payment_recorded',
        by,
        at,
        comment: `Payment ${payment.paymentNumber} of ${formatCents(payment.amountCents)} ${verb}.`,
        changes: [
          { field: 'paidCents', from: invoice.paidCents, to: next.paidCents },
          { field: 'paymentStatus', from: invoice.paymentStatus, to: next.paymentStatus },
          { field: 'payment', paymentId: payment.paymentId, paymentNumber: payment.paymentNumber, amountCents: sign * payment.amountCents },
        ],
      }),
    }),
  };
}


function paymentItem(path: { projectId: string; commitmentId: string }, body: CreatePaymentBody, by: string, at: string): PaymentItem {
  return {
    projectId: path.projectId,
    commitmentId: path.commitmentId,
    paymentId: newPaymentId(),
    paymentNumber: body.paymentNumber,
    method: body.method,
    amountCents: body.amountCents,
    paidOn: body.paidOn,
    ...(body.invoiceId ? { invoiceId: body.invoiceId } : {}),
    ...(body.checkNumber ? { checkNumber: body.checkNumber } : {}),
    ...(body.notes ? { notes: body.notes } : {}),
    createdBy: by,
    createdAt: at,
  };
}

export const handler = httpRouter(paymentRoutes, 
  {
    listPayments: async ({ path, query, caller }) => {
      await commitmentFor(commitmentsView, path, caller.userId);
      const scope = `payments:${path.projectId}:${path.commitmentId}`;
      const page = await paymentEntities()
        .Payment.query.byCommitment({ projectId: path.projectId, commitmentId: path.commitmentId })
        .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
      return { body: { items: page.data.map(toPaymentResponse), nextCursor: encodeCursor(scope, page.cursor) } };
    },

    getPayment: async ({ path, caller }) => {
      await commitmentFor(commitmentsView, path, caller.userId);
      const { data } = await paymentEntities().Payment.get(path).go();
      if (!data) throw noSuchPayment();
      return { body: toPaymentResponse(data) };
    },

    createPayment: async ({ path, body, caller }) => {
      const { project, member, commitment } = await commitmentAccess(path, caller.userId);
      enforceRefusal(commitmentActionRefusal('add_payment', { member, commitment }));
      const now = new Date();
      const at = now.toISOString();
      const item = paymentItem(path, body, caller.userId, at);
      // The domain event (webhooks), committed with the payment: a retry that meets the taken number emits nothing.
      const recorded = outboxRecord(
        paymentRecordedEvent,
        {
          projectId: item.projectId,
          commitmentId: item.commitmentId,
          paymentId: item.paymentId,
          paymentNumber: item.paymentNumber,
          invoiceId: item.invoiceId ?? null,
          amountCents: item.amountCents,
          currency: currencyOf(project).code,
          method: item.method,
          paidOn: item.paidOn,
          recordedBy: caller.userId,
          occurredAt: at,
        },
        now,
      );
      const numberItem = { projectId: path.projectId, commitmentId: path.commitmentId, normalizedNumber: normalizePaymentNumber(body.paymentNumber), paymentId: item.paymentId };
      const created = { status: 201, body: toPaymentResponse(item), headers: { location: locationOf(item) } };

      for (let attempt = 1; attempt <= invoiceAttempts; attempt++) {
        const invoice = body.invoiceId ? await loadInvoiceOf(path.projectId, path.commitmentId, body.invoiceId) : undefined;
        if (body.invoiceId && !invoice) throw notAnInvoiceOfTheCommitment();
        const refusal = invoice ? paymentAmountRefusal({ dueCents: dueOf(invoice), paidCents: invoice.paidCents }, body.amountCents) : undefined;
        if (refusal) throw paymentTooLarge(refusal);
        const overpays = invoice
          ? overpaymentRefusal({ dueCents: dueOf(invoice), paidCents: invoice.paidCents, name: `Invoice ${invoice.number}` }, body.amountCents, body.allowOverpayment)
          : undefined;
        if (overpays) throw problems.conflict(overpays);
        const linked = invoice ? invoiceWrites(invoice, item, 1, caller.userId, at) : undefined;
        // One transaction: the payment, its number and the invoice's paid sum change together or not at all.
        const outcome = await writeTransactionOver(paymentEntities, (entities) => ({
          payment: entities.Payment.create(item).commit(),
          number: entities.PaymentNumber.create(numberItem).commit(),
          outbox: outboxWrite(entities, recorded),
          ...linked?.writes(entities),
        }));
        if (!outcome.canceled) {
          await dispatchSoon([recorded.outboxId]);
          return created;
        }
        if (outcome.failed.includes('number')) throw duplicateNumber(body.paymentNumber);
        // The invoice moved on since it was read (another payment, an edit): read it again.
        if (!outcome.failed.includes('invoice')) throw problems.busy('invoice');
      }
      throw problems.busy('invoice');
    },

    deletePayment: async ({ path, caller }) => {
      await commitmentFor(paymentsAdd, path, caller.userId);
      const { data: payment } = await paymentEntities().Payment.get(path).go({ consistent: true });
      if (!payment) throw noSuchPayment();
      const at = new Date().toISOString();

      for (let attempt = 1; attempt <= invoiceAttempts; attempt++) {
        // An invoice deleted since leaves nothing to reverse.
        const invoice = payment.invoiceId ? await loadInvoiceOf(path.projectId, path.commitmentId, payment.invoiceId) : undefined;
        const linked = invoice ? invoiceWrites(invoice, payment, -1, caller.userId, at) : undefined;
        const outcome = await writeTransactionOver(paymentEntities, (entities) => ({
          // `remove` fails when the payment is gone: a concurrent delete reverses the invoice only once.
          payment: entities.Payment.remove(path).commit(),
          number: entities.PaymentNumber.delete({ projectId: path.projectId, commitmentId: path.commitmentId, normalizedNumber: normalizePaymentNumber(payment.paymentNumber) }).commit(),
          ...linked?.writes(entities),
        }));
        if (!outcome.canceled) return { status: 204 };
        if (outcome.failed.includes('payment')) throw noSuchPayment();
        if (!outcome.failed.includes('invoice')) throw problems.busy('invoice');
      }
      throw problems.busy('invoice');
    },
  },
  { idempotency: idempotencyKey },
);
