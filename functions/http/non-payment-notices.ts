/**
 * Notices of non-payment on invoices of en-CA projects (Ontario Construction Act, Part I.1):
 * given by an administrator, by the Act's deadline, recorded on the invoice and in its history,
 * and emailed to the commitment's invoice contacts through the outbox in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { problems } from '../../shared/http/problem';
import { enforce } from '../../shared/http/access';
import { etagFor } from '../../shared/http/etag';
import { loadInvoiceContext, type InvoiceContext } from '../../shared/http/invoice-context';
import { promptPaymentOf, subcontractorSubject } from '../../shared/http/payment-deadlines';
import type { ActionRule } from '../../shared/domain/permissions';
import { batchGetAll, entitiesOf } from '../../shared/db/service';
import { Invoice, InvoiceEvent, type InvoiceItem, type StoredNonPaymentNotice } from '../../shared/db/entities/invoice';
import { OwnerInvoice } from '../../shared/db/entities/owner-invoice';
import { Outbox } from '../../shared/db/entities/outbox';
import { User } from '../../shared/db/entities/user';
import { invoiceEventWrite } from '../../shared/db/invoices';
import { loadBillingPeriod } from '../../shared/db/billing-periods';
import { explainFailure, writeTransactionOver } from '../../shared/db/transaction';
import { dispatchSoon } from '../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../shared/db/outbox-record';
import { localDate } from '../../shared/domain/billing-periods';
import { nonPaymentNoticeDeadline, nonPaymentNoticeIssues, ontarioAct } from '../../shared/domain/ontario-prompt-payment';
import { currencyOf } from '../../shared/domain/project-settings';
import { termsFor } from '../../shared/domain/terminology';
import { config } from '../../shared/config';
import { nonPaymentNoticeEmail } from '../../shared/email/payment-schedules';
import type { EmailRequested } from '../../events/contracts';
import { nonPaymentNoticeRoutes } from '../../shared/api/non-payment-notices';
import { invoicesView, nonPaymentNoticesGive } from '../../shared/domain/permission-rules';
import { emailRequestedEvent } from '../../events/contracts';

/** The period's owner invoices and the contacts read; the notice written on the invoice, its history and the emails' outbox records. */
const noticeEntities = /* @__PURE__ */ entitiesOf({ OwnerInvoice, User, Invoice, InvoiceEvent, Outbox });

/** The invoice with `action` enforced on its commitment; notices follow Ontario's Act, so only on en-CA projects (409 elsewhere). */
async function invoiceWith(action: ActionRule, path: { projectId: string; invoiceId: string }, userId: string) {
  const context = await loadInvoiceContext(path, userId, { consistent: true });
  enforce(action, context.member, context.commitment);
  if (context.project.region !== 'en-CA') throw problems.conflict('Notices of non-payment follow Ontario’s Construction Act: this project is not an en-CA project.');
  return context;
}

/** The invoice's prompt-payment dates today: what the deadlines are checked against. */
async function promptPaymentNow({ project, invoice, commitment }: InvoiceContext, today: string) {
  const period = await loadBillingPeriod(invoice.projectId, invoice.billingPeriodId);
  const givenOn = invoice.submittedAt ? localDate(new Date(invoice.submittedAt), project.timeZone) : undefined;
  const { data: owners } = givenOn ? await noticeEntities().OwnerInvoice.query.byPeriod({ projectId: invoice.projectId, billingPeriodId: invoice.billingPeriodId }).go({ pages: 'all' }) : { data: [] };
  const ownerInvoiceGivenOn = owners
    .flatMap((owner) => (owner.submittedAt ? [localDate(new Date(owner.submittedAt), project.timeZone)] : []))
    .sort()
    .find((day) => givenOn !== undefined && day >= givenOn);
  return promptPaymentOf(project, subcontractorSubject(invoice, commitment), period, today, ownerInvoiceGivenOn);
}

const noticeView = (notice: StoredNonPaymentNotice) => ({ ...notice, noticeFromAboveReceivedOn: notice.noticeFromAboveReceivedOn ?? null });

/** One email per invoice contact, with an id stable per notice (a retried dispatch sends nothing twice). */
async function noticeEmails({ project, commitment, invoice }: InvoiceContext, notice: StoredNonPaymentNotice): Promise<EmailRequested[]> {
  const ids = [...new Set([...commitment.invoiceContactIds, notice.givenBy])];
  const users = new Map((await batchGetAll(ids.map((userId) => ({ userId })), (keys) => noticeEntities().User.get(keys).go())).map((u) => [u.userId, u]));
  const claimName = `${termsFor(project.region).invoice} ${invoice.number}`;
  return commitment.invoiceContactIds.flatMap((userId) => {
    const user = users.get(userId);
    if (!user) return [];
    const email = nonPaymentNoticeEmail({
      frontendBaseUrl: config.frontendBaseUrl,
      projectId: project.projectId,
      projectName: project.name,
      invoiceId: invoice.invoiceId,
      claimName,
      commitment: { number: commitment.number, title: commitment.title, vendorName: commitment.vendorName },
      act: ontarioAct,
      currency: currencyOf(project),
      amountCents: notice.amountCents,
      reason: notice.reason,
      givenOn: notice.givenOn,
      deadline: notice.deadline,
      givenByName: users.get(notice.givenBy)?.name ?? 'The project team',
      recipientName: user.name,
    });
    return [{ emailId: `non-payment-notice:${invoice.invoiceId}:${notice.noticeId}:${userId}`, to: [user.email], ...email }];
  });
}

/** DynamoDB's 100 items per transaction, less the invoice and its history event. */
const emailsPerTransaction = 98;

export const handler = httpRouter(nonPaymentNoticeRoutes, 
  {
    listNonPaymentNotices: async ({ path, caller }) => {
      const context = await invoiceWith(invoicesView, path, caller.userId);
      const today = localDate(new Date(), context.project.timeZone);
      return { body: { items: (context.invoice.nonPaymentNotices ?? []).map(noticeView), promptPayment: await promptPaymentNow(context, today) } };
    },

    giveNonPaymentNotice: async ({ path, body, caller }) => {
      const context = await invoiceWith(nonPaymentNoticesGive, path, caller.userId);
      const { invoice } = context;
      const today = localDate(new Date(), context.project.timeZone);
      const promptPayment = await promptPaymentNow(context, today);
      const input = { ...body, givenOn: body.givenOn ?? today };
      const issues = nonPaymentNoticeIssues(promptPayment, input, invoice.figures.summary.currentPaymentDueCents);
      if (issues.length > 0) throw problems.validation(issues.map((issue) => ({ location: 'body' as const, ...issue })));
      const deadline = nonPaymentNoticeDeadline(promptPayment, input);
      if (!('by' in deadline)) throw new Error('a notice without issues has a deadline');

      const at = new Date().toISOString();
      const notice: StoredNonPaymentNotice = {
        noticeId: randomUUID(),
        basis: input.basis,
        amountCents: input.amountCents,
        reason: input.reason,
        givenOn: input.givenOn,
        ...(input.noticeFromAboveReceivedOn !== undefined && { noticeFromAboveReceivedOn: input.noticeFromAboveReceivedOn }),
        deadline: deadline.by,
        givenBy: caller.userId,
        recordedAt: at,
      };
      const notices = [...(invoice.nonPaymentNotices ?? []), notice];
      const records = (await noticeEmails(context, notice)).slice(0, emailsPerTransaction).map((email) => outboxRecord(emailRequestedEvent, email, new Date(at)));
      const written = await writeTransactionOver(noticeEntities, (entities) => ({
        ...Object.fromEntries(records.map((record, index) => [`email${index}`, outboxWrite(entities, record)])),
        invoice: entities.Invoice.patch({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
          .set({ nonPaymentNotices: notices, version: invoice.version + 1, updatedAt: at })
          .where((attr, op) => op.eq(attr.version, invoice.version))
          .commit(),
        event: invoiceEventWrite(entities, {
          projectId: invoice.projectId,
          invoiceId: invoice.invoiceId,
          type: 'non_payment_notice_given',
          by: caller.userId,
          at,
          comment: notice.reason,
          changes: { noticeId: notice.noticeId, basis: notice.basis, amountCents: notice.amountCents, givenOn: notice.givenOn, deadline: notice.deadline },
        }),
      }));
      if (written.canceled) {
        throw await explainFailure(written, { invoice: () => problems.conflict('The invoice changed while the notice was prepared; send it again.') }, () =>
          problems.conflict('The notice could not be recorded because of a concurrent change; retry.'),
        );
      }
      await dispatchSoon(records.map((record) => record.outboxId));
      const updated: InvoiceItem = { ...invoice, nonPaymentNotices: notices, version: invoice.version + 1 };
      return { status: 201, body: noticeView(notice), headers: { etag: etagFor(updated.version) } };
    },
  },
  { idempotency: idempotencyKey },
);
