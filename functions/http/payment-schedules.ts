import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { problems } from '../../shared/http/problem';
import { enforce } from '../../shared/http/access';
import { loadInvoiceContext } from '../../shared/http/invoice-context';
import { etagFor } from '../../shared/http/etag';
import type { ActionRule } from '../../shared/domain/permissions';
import { entitiesOf } from '../../shared/db/service';
import { loadUsers } from '../../shared/db/people';
import { Invoice } from '../../shared/db/entities/invoice';
import { Outbox } from '../../shared/db/entities/outbox';
import type { InvoiceItem } from '../../shared/db/invoices';
import { localDateTime } from '../../shared/db/backups';
import { auSecurityOfPayment, paymentScheduleDeadline, paymentScheduleFigures, paymentScheduleJurisdictionRefusal, paymentScheduleStatus, type ClaimedLine, type PaymentScheduleDeadline, type StoredPaymentSchedule } from '../../shared/domain/au-payment-schedules';
import { auJurisdictionForTimeZone, type AuJurisdiction } from '../../shared/domain/au-jurisdictions';
import type { PaymentScheduleResponse } from '../../shared/api/payment-schedules.docs';
import { randomUUID } from 'node:crypto';
import { explainFailure, writeTransactionOver } from '../../shared/db/transaction';
import { dispatchSoon } from '../../shared/db/outbox-delivery';
import { outboxRecord, outboxWrite } from '../../shared/db/outbox-record';
import type { CommitmentItem } from '../../shared/db/entities/commitment';
import type { ProjectItem } from '../../shared/db/entities/project';
import { currencyOf } from '../../shared/domain/project-settings';
import { termsFor } from '../../shared/domain/terminology';
import { config } from '../../shared/config';
import { paymentScheduleServedEmail } from '../../shared/email/payment-schedules';
import type { PaymentScheduleDocument } from '../../shared/pdf/payment-schedule-pdf';
import { requestPaymentSchedulePdf } from '../../shared/storage/invoice-pdf-renderer';
import { paymentSchedulePdfKey } from '../../shared/storage/keys';
import type { EmailRequested } from '../../events/contracts';
import { paymentScheduleRoutes } from '../../shared/api/payment-schedules';
import { invoicesView, paymentSchedulesServe } from '../../shared/domain/permission-rules';
import { emailRequestedEvent } from '../../events/contracts';

/** The invoice in context (read consistently: a schedule just served is seen), with `action` enforced on its commitment. */
async function invoiceWith(action: ActionRule, path: { projectId: string; invoiceId: string }, userId: string) {
  const { project, member, invoice, commitment } = await loadInvoiceContext(path, userId, { consistent: true });
  enforce(action, member, commitment);
  return { project, invoice, commitment };
}

const storedOf = (invoice: InvoiceItem) => invoice.paymentSchedule;

/** The state or territory whose Act applies: given, stored with the schedule, or the project's time zone. */
function jurisdictionOf(project: { region: string; timeZone: string }, given: AuJurisdiction | undefined, stored?: StoredPaymentSchedule): AuJurisdiction {
  const jurisdiction = given ?? stored?.jurisdiction ?? (project.region === 'en-AU' ? auJurisdictionForTimeZone(project.timeZone) : undefined);
  if (!jurisdiction) {
    throw problems.conflict('Payment schedules follow an Australian Security of Payment Act: this project is not in an Australian state’s time zone; give the jurisdiction.');
  }
  const refusal = paymentScheduleJurisdictionRefusal(jurisdiction);
  if (refusal) throw problems.conflict(`${refusal}.`);
  return jurisdiction;
}

/** When the claim was served: given, stored, or the day it was submitted on the project's clock. */
function claimServedOnOf(invoice: InvoiceItem, timeZone: string, given?: string): string {
  const served = given ?? storedOf(invoice)?.claimServedOn ?? (invoice.submittedAt ? localDateTime(new Date(invoice.submittedAt), timeZone).date : undefined);
  if (!served) throw problems.conflict(`Invoice ${invoice.number} has not been submitted: a payment schedule answers a claim once it is served.`);
  return served;
}

/** What the claim asks per line: columns E + F (work this period and materials presently stored). */
function claimedLines(invoice: InvoiceItem): ClaimedLine[] {
  const descriptions = new Map(invoice.sovLines.map((l) => [l.lineId, l.description]));
  return invoice.figures.lines.map((line) => ({
    lineId: line.lineId,
    description: descriptions.get(line.lineId) ?? '',
    claimedCents: line.workThisPeriodCents + line.materialsStoredCents,
  }));
}

function toResponse(invoice: InvoiceItem, deadline: PaymentScheduleDeadline, today: string): PaymentScheduleResponse {
  const stored = storedOf(invoice);
  return {
    projectId: invoice.projectId,
    invoiceId: invoice.invoiceId,
    status: paymentScheduleStatus(deadline, stored?.servedOn, today),
    deadline: { ...deadline, act: auSecurityOfPayment[deadline.jurisdiction].act },
    referenceDate: stored?.referenceDate ?? null,
    servedOn: stored?.servedOn ?? null,
    servedLate: stored ? stored.servedOn > deadline.dueOn : null,
    servedBy: stored?.servedBy ?? null,
    lines: stored?.figures.lines ?? null,
    claimedCents: stored?.figures.claimedCents ?? null,
    scheduledCents: stored?.figures.scheduledCents ?? null,
    differenceCents: stored?.figures.differenceCents ?? null,
  };
}

/** DynamoDB's 100 items per transaction, less the invoice. */
const emailsPerTransaction = 99;

/** Serving writes the invoice and its emails' outbox records. */
const scheduleEntities = /* @__PURE__ */ entitiesOf({ Invoice, Outbox });

/**
 * The served schedule's PDF (rendered and stored now, before the schedule is written, so the
 * emails can attach it) and one email per invoice contact of the commitment, with an id stable
 * per serving: written as outbox records in the transaction that stores the schedule.
 */
async function servedScheduleEmails(input: { project: ProjectItem; commitment: CommitmentItem; invoice: InvoiceItem; schedule: StoredPaymentSchedule; version: number }): Promise<EmailRequested[]> {
  const { project, commitment, invoice, schedule, version } = input;
  const recipientIds = commitment.invoiceContactIds;
  if (recipientIds.length === 0) return [];
  const users = await loadUsers([...recipientIds, schedule.servedBy]);
  const servedByName = users.get(schedule.servedBy)?.name ?? 'The project team';
  const rules = auSecurityOfPayment[schedule.jurisdiction];
  const claimName = `${termsFor(project.region).invoice} ${invoice.number}`;
  const currency = currencyOf(project);
  const positions = new Map(invoice.figures.lines.map((line, index) => [line.lineId, index + 1]));
  const { figures } = schedule;
  const document: PaymentScheduleDocument = {
    region: project.region,
    currency,
    act: rules.act,
    section: rules.scheduleSection,
    project: { name: project.name, number: project.number },
    commitment: { number: commitment.number, title: commitment.title, vendorName: commitment.vendorName },
    claimName,
    ...(schedule.referenceDate !== undefined && { referenceDate: schedule.referenceDate }),
    claimServedOn: schedule.claimServedOn,
    dueOn: schedule.dueOn,
    servedOn: schedule.servedOn,
    servedByName,
    lines: figures.lines.map((line) => ({ ...line, itemNumber: positions.get(line.lineId) ?? 0, description: line.description ?? '' })),
    claimedCents: figures.claimedCents,
    scheduledCents: figures.scheduledCents,
    differenceCents: figures.differenceCents,
  };
  const scope = { companyId: project.companyId, projectId: project.projectId, invoiceId: invoice.invoiceId };
  const pdf = await requestPaymentSchedulePdf(paymentSchedulePdfKey(scope, `${invoice.invoiceId}-v${version}-${randomUUID().slice(0, 8)}`), document);
  const attachment = { key: pdf.key, filename: `Payment Schedule - ${claimName} - ${commitment.number}.pdf`, contentType: 'application/pdf' };
  return recipientIds.flatMap((userId) => {
    const user = users.get(userId);
    if (!user) return [];
    const email = paymentScheduleServedEmail({
      frontendBaseUrl: config.frontendBaseUrl,
      projectId: project.projectId,
      projectName: project.name,
      invoiceId: invoice.invoiceId,
      claimName,
      commitment: document.commitment,
      act: rules.act,
      claimServedOn: schedule.claimServedOn,
      dueOn: schedule.dueOn,
      servedOn: schedule.servedOn,
      servedByName,
      currency,
      claimedCents: figures.claimedCents,
      scheduledCents: figures.scheduledCents,
      recipientName: user.name,
    });
    return [{ emailId: `payment-schedule:${invoice.invoiceId}:v${version}:${userId}`, to: [user.email], ...email, attachments: [attachment] }];
  });
}

export const handler = httpRouter(paymentScheduleRoutes, 
  {
    getPaymentSchedule: async ({ path, caller }) => {
      const { project, invoice } = await invoiceWith(invoicesView, path, caller.userId);
      const stored = storedOf(invoice);
      const jurisdiction = jurisdictionOf(project, undefined, stored);
      const deadline = paymentScheduleDeadline({
        jurisdiction,
        claimServedOn: claimServedOnOf(invoice, project.timeZone),
        ...(stored?.contractBusinessDays !== undefined && { contractBusinessDays: stored.contractBusinessDays }),
      });
      return { body: toResponse(invoice, deadline, localDateTime(new Date(), project.timeZone).date) };
    },

    servePaymentSchedule: async ({ path, body, caller }) => {
      const { project, invoice, commitment } = await invoiceWith(paymentSchedulesServe, path, caller.userId);
      const jurisdiction = jurisdictionOf(project, body.jurisdiction, storedOf(invoice));
      const claimServedOn = claimServedOnOf(invoice, project.timeZone, body.claimServedOn);
      const today = localDateTime(new Date(), project.timeZone).date;
      const servedOn = body.servedOn ?? today;
      if (servedOn < claimServedOn) {
        throw problems.validation([{ location: 'body', field: 'servedOn', message: `must not be before the claim was served (${claimServedOn})` }]);
      }
      const contractBusinessDays = body.contractBusinessDays ?? storedOf(invoice)?.contractBusinessDays;
      const deadline = paymentScheduleDeadline({ jurisdiction, claimServedOn, ...(contractBusinessDays !== undefined && { contractBusinessDays }) });
      const result = paymentScheduleFigures(claimedLines(invoice), body.lines);
      if ('issues' in result) throw problems.validation(result.issues.map((i) => ({ location: 'body' as const, field: i.field, message: i.message })));

      const at = new Date().toISOString();
      const paymentSchedule: StoredPaymentSchedule = {
        jurisdiction,
        claimServedOn,
        ...(contractBusinessDays !== undefined && { contractBusinessDays }),
        ...(body.referenceDate !== undefined && { referenceDate: body.referenceDate }),
        servedOn,
        servedBy: caller.userId,
        servedAt: at,
        dueOn: deadline.dueOn,
        figures: result.figures,
      };
      const version = invoice.version + 1;
      // The schedule and its emails commit together: a crash after the commit cannot lose them.
      const emails = await servedScheduleEmails({ project, commitment, invoice, schedule: paymentSchedule, version });
      const records = emails.slice(0, emailsPerTransaction).map((email) => outboxRecord(emailRequestedEvent, email, new Date(at)));
      const written = await writeTransactionOver(scheduleEntities, (entities) => ({
        ...Object.fromEntries(records.map((record, index) => [`email${index}`, outboxWrite(entities, record)])),
        invoice: entities.Invoice.patch({ projectId: invoice.projectId, invoiceId: invoice.invoiceId })
          .set({ paymentSchedule, version, updatedAt: at })
          .where((attr, op) => op.eq(attr.version, invoice.version))
          .commit(),
      }));
      if (written.canceled) {
        throw await explainFailure(written, { invoice: () => problems.conflict('The invoice changed while the schedule was prepared; send it again.') }, () =>
          problems.conflict('The schedule could not be served because of a concurrent change; retry.'),
        );
      }
      await dispatchSoon(records.map((record) => record.outboxId));
      const updated = { ...invoice, paymentSchedule, version: invoice.version + 1 };
      return { body: toResponse(updated, deadline, today), headers: { etag: etagFor(updated.version) } };
    },
  },
  { idempotency: idempotencyKey },
);
