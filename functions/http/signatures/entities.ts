import { entitiesOf } from '../../../shared/db/service';
import { Company } from '../../../shared/db/entities/company';
import { HeadContract } from '../../../shared/db/entities/head-contract';
import { Invoice, InvoiceEvent } from '../../../shared/db/entities/invoice';
import { Outbox } from '../../../shared/db/entities/outbox';
import { OwnerInvoice } from '../../../shared/db/entities/owner-invoice';
import { Project } from '../../../shared/db/entities/project';
import { InvoiceSignature, SigningLinkRecord } from '../../../shared/db/entities/signature';
import { User } from '../../../shared/db/entities/user';

/**
 * The entities e-signature is read and written with: the signature requests and signing links, the
 * invoices of either kind they lock, their head contracts, history, projects, companies and users, outbox records.
 */
export const signatureEntities = /* @__PURE__ */ entitiesOf({ InvoiceSignature, SigningLinkRecord, Invoice, OwnerInvoice, HeadContract, InvoiceEvent, Project, Company, User, Outbox });
