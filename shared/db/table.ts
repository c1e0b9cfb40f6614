import { Company } from './entities/company';
import { User } from './entities/user';
import { Project } from './entities/project';
import { Member } from './entities/member';
import { EmailDelivery } from './entities/email-delivery';
import { ProjectVendor } from './entities/project-vendor';
import { Commitment, CommitmentNumber } from './entities/commitment';
import { Sov } from './entities/sov';
import { HeadContract, HeadContractNumber } from './entities/head-contract';
import { OwnerInvoice, OwnerInvoiceClaim, OwnerPayment } from './entities/owner-invoice';
import { ChangeOrder } from './entities/change-order';
import { Ssov } from './entities/ssov';
import { BillingPeriod } from './entities/billing-period';
import { Invite } from './entities/invite';
import { Invoice, InvoiceAttachment, InvoiceEvent, InvoiceNumber, Payment, PaymentNumber } from './entities/invoice';
import { BackupJob } from './entities/backup-job';
import { AccountingExport } from './entities/accounting-export';
import { Outbox } from './entities/outbox';
import { Task } from './entities/task';
import { PaymentScheduleReminder } from './entities/payment-schedule-reminder';
import { WebhookDelivery, WebhookEndpoint } from './entities/webhook';
import { DocusignWatch, InvoiceSignature, SigningLinkRecord } from './entities/signature';
import { tableKeys, ttlAttribute, type IndexName } from './keys';

/** Every entity stored in the single table. */
export const entities = {
  Company,
  User,
  Project,
  Member,
  EmailDelivery,
  ProjectVendor,
  Commitment,
  CommitmentNumber,
  Sov,
  HeadContract,
  HeadContractNumber,
  OwnerInvoice,
  OwnerInvoiceClaim,
  OwnerPayment,
  ChangeOrder,
  Ssov,
  BillingPeriod,
  Invite,
  Invoice,
  InvoiceNumber,
  InvoiceEvent,
  InvoiceAttachment,
  Payment,
  PaymentNumber,
  BackupJob,
  AccountingExport,
  Outbox,
  Task,
  PaymentScheduleReminder,
  WebhookEndpoint,
  WebhookDelivery,
  InvoiceSignature,
  DocusignWatch,
  SigningLinkRecord,
};

export interface TableDefinition {
  partitionKey: string;
  sortKey: string;
  globalIndexes: { indexName: string; partitionKey: string; sortKey: string }[];
  ttlAttribute: string;
}

/**
 * The table as the entities use it: only the indexes some entity declares are created.
 * Throws if an entity maps an index onto fields other than `tableKeys` says.
 */
export function tableDefinition(): TableDefinition {
  const used = new Set<IndexName>();
  for (const entity of Object.values(entities)) {
    for (const index of Object.values(entity.schema.indexes) as Array<{
      index?: string;
      pk: { field: string };
      sk?: { field: string };
    }>) {
      const name = (index.index ?? 'primary') as IndexName;
      const keys = tableKeys[name];
      if (!keys || index.pk.field !== keys.pk || index.sk?.field !== keys.sk) {
        throw new Error(`${entity.schema.model.entity}: index ${name} must use fields ${JSON.stringify(keys)}`);
      }
      used.add(name);
    }
  }
  return {
    partitionKey: tableKeys.primary.pk,
    sortKey: tableKeys.primary.sk,
    globalIndexes: [...used]
      .filter((name) => name !== 'primary')
      .sort()
      .map((name) => ({ indexName: name, partitionKey: tableKeys[name].pk, sortKey: tableKeys[name].sk })),
    ttlAttribute,
  };
}
