/** The status emails of an owner invoice: one `email.requested` per head-contract admin, written to the outbox with the change. */
import { batchGetAll } from '../../../shared/db/service';
import type { HeadContractItem } from '../../../shared/db/head-contracts';
import type { OwnerInvoiceItem } from '../../../shared/db/owner-invoices';
import type { ProjectItem } from '../../../shared/db/entities/project';
import { config } from '../../../shared/config';
import { currencyOf } from '../../../shared/domain/project-settings';
import type { OwnerInvoiceStatus } from '../../../shared/domain/owner-invoices';
import { renderOwnerInvoiceNotification } from '../../../shared/email/owner-invoice-notifications';
import type { EmailRequested } from '../../../events/contracts';
import { ownerInvoiceEntities } from './entities';

/** The project's head-contract administrators (one Query): they see every head contract, private ones too. */
async function headContractAdministrators(projectId: string): Promise<string[]> {
  const { data } = await ownerInvoiceEntities().Member.query.byProject({ projectId }).go({ pages: 'all', attributes: ['userId', 'headContracts'] });
  return data.filter((m) => m.headContracts === 'admin').map((m) => m.userId);
}

/**
 * The emails of a status step, read before the write so they go in its transaction: the
 * administrators but the one who made the change. The id is stable per step (the invoice's new
 * version), so a redelivered record is one email.
 */
export async function ownerStatusEmails(input: {
  project: ProjectItem;
  contract: HeadContractItem;
  invoice: OwnerInvoiceItem;
  to: OwnerInvoiceStatus;
  by: string;
  comment?: string;
}): Promise<EmailRequested[]> {
  const { project, contract, invoice, to, by } = input;
  if (to === 'draft') return [];
  const recipientIds = (await headContractAdministrators(project.projectId)).filter((userId) => userId !== by);
  if (recipientIds.length === 0) return [];
  const users = new Map(
    (await batchGetAll([...new Set([...recipientIds, by])].map((userId) => ({ userId })), (keys) => ownerInvoiceEntities().User.get(keys).go())).map((u) => [u.userId, u]),
  );
  const actorName = users.get(by)?.name ?? 'The project team';
  return recipientIds.flatMap((userId) => {
    const user = users.get(userId);
    if (!user) return [];
    const rendered = renderOwnerInvoiceNotification({
      region: project.region,
      frontendBaseUrl: config.frontendBaseUrl,
      projectId: project.projectId,
      projectName: project.name,
      currency: currencyOf(project),
      invoice: { ownerInvoiceId: invoice.ownerInvoiceId, number: invoice.number, currentPaymentDueCents: invoice.figures.summary.currentPaymentDueCents },
      contract,
      to,
      actorName,
      recipientName: user.name,
      ...(input.comment ? { comment: input.comment } : {}),
    });
    return [{ emailId: `owner-invoice:${invoice.ownerInvoiceId}:v${invoice.version}:${userId}`, to: [user.email], ...rendered }];
  });
}
