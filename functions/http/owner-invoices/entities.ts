import { entitiesOf } from '../../../shared/db/service';
import { BillingPeriod } from '../../../shared/db/entities/billing-period';
import { Invoice, InvoiceEvent } from '../../../shared/db/entities/invoice';
import { Member } from '../../../shared/db/entities/member';
import { Outbox } from '../../../shared/db/entities/outbox';
import { OwnerInvoice, OwnerInvoiceClaim, OwnerPayment } from '../../../shared/db/entities/owner-invoice';
import { Sov } from '../../../shared/db/entities/sov';
import { User } from '../../../shared/db/entities/user';

/**
 * The entities owner invoices are read and written with: the invoices, their number and position
 * claims and payments, their periods and head contract SOVs, the subcontractor invoices they hold,
 * history, the members and users emailed, outbox records.
 */
export const ownerInvoiceEntities = /* @__PURE__ */ entitiesOf({ OwnerInvoice, OwnerInvoiceClaim, OwnerPayment, BillingPeriod, Sov, Invoice, InvoiceEvent, Member, User, Outbox });
