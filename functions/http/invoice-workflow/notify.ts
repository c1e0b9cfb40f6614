/** Emails: `email.requested` per recipient, written to the outbox with the change, with an id stable per event. */
import { entitiesOf } from '../../../shared/db/service';
import { loadUsers } from '../../../shared/db/people';
import { Member } from '../../../shared/db/entities/member';
import type { InvoiceEventItem, InvoiceItem } from '../../../shared/db/invoices';
import type { InvoiceStatus } from '../../../shared/domain/invoices';
import { notificationKind, type InvoiceNotificationKind } from '../../../shared/domain/invoice-rules';
import { renderInvoiceNotification, type RejectedLineInWords } from '../../../shared/email/invoice-notifications';
import { config } from '../../../shared/config';
import { currencyOf } from '../../../shared/domain/project-settings';
import type { EmailRequested } from '../../../events/contracts';
import type { Loaded } from './access';

export type NotifiedChange = Omit<Loaded, 'member'> & { from: InvoiceStatus; event: InvoiceEventItem };
type UserItem = { userId: string; name: string; email: string };

const memberReaders = /* @__PURE__ */ entitiesOf({ Member });

/** The project's invoice administrators: members with admin on the commitments tool (one Query). */
async function invoiceAdministrators(projectId: string): Promise<string[]> {
  const { data } = await memberReaders().Member.query.byProject({ projectId }).go({ pages: 'all', attributes: ['userId', 'commitments'] });
  return data.filter((m) => m.commitments === 'admin').map((m) => m.userId);
}

function rejectedLinesOf(invoice: InvoiceItem): RejectedLineInWords[] {
  const reviews = (invoice.lineReviews ?? {});
  const sovLines = invoice.sovLines;
  return invoice.figures.lines.flatMap((line, index) => {
    const review = reviews[line.lineId];
    if (!review || review.approved) return [];
    const sov = sovLines[index];
    return [{ itemNumber: index + 1, ...(sov?.costCode ? { costCode: sov.costCode } : {}), description: sov?.description ?? line.lineId, reason: review.reason ?? '' }];
  });
}

/** One recipient's email about the change. */
function emailTo(user: UserItem, change: NotifiedChange, kind: InvoiceNotificationKind, actorName: string): EmailRequested {
  const { project, commitment, invoice, event } = change;
  const rendered = renderInvoiceNotification({
    kind,
    region: project.region,
    frontendBaseUrl: config.frontendBaseUrl,
    projectId: project.projectId,
    projectName: project.name,
    currency: currencyOf(project),
    invoice: { invoiceId: invoice.invoiceId, number: invoice.number, currentPaymentDueCents: invoice.figures.summary.currentPaymentDueCents },
    commitment: { number: commitment.number, title: commitment.title, vendorName: commitment.vendorName },
    actorName,
    recipientName: user.name,
    ...(event.comment ? { comment: event.comment } : {}),
    ...(kind === 'revise_and_resubmit' ? { rejectedLines: rejectedLinesOf(invoice) } : {}),
  });
  return { emailId: `invoice:${invoice.invoiceId}:${event.eventKey}:${user.userId}`, to: [user.email], subject: rendered.subject, html: rendered.html, text: rendered.text };
}

/** Who hears of the change: the administrators of a submission, else the commitment's contacts; never its author. */
async function recipientIdsOf({ project, commitment, event }: NotifiedChange, kind: InvoiceNotificationKind): Promise<string[]> {
  const toAdministrators = kind === 'submitted' || kind === 'resubmitted';
  const ids = toAdministrators ? await invoiceAdministrators(project.projectId) : [...commitment.invoiceContactIds];
  return ids.filter((userId) => userId !== event.by);
}

/**
 * The change's emails, read before the write so they go in its transaction as outbox records (see
 * commitChange): a crash after the commit cannot lose them, and a failed read fails the change
 * (the client retries it) instead of losing its emails.
 */
export async function notificationEmails(change: NotifiedChange): Promise<EmailRequested[]> {
  const { project, invoice, event } = change;
  const kind = notificationKind(project, change.from, invoice.status);
  if (!kind) return [];
  const recipientIds = await recipientIdsOf(change, kind);
  if (recipientIds.length === 0) return [];
  const users = await loadUsers([...recipientIds, event.by]);
  const actorName = users.get(event.by)?.name ?? 'The project team';
  return recipientIds.flatMap((userId) => {
    const user = users.get(userId);
    return user ? [emailTo(user, change, kind, actorName)] : [];
  });
}
