/** The owner invoice workflow function: an owner invoice sent to the owner, or the owner's answer recorded. */
import { httpRouter } from '../../shared/http/handler';
import { ownerInvoiceWorkflowRoutes } from '../../shared/api/owner-invoice-workflow';
import { idempotencyKey } from '../../shared/http/idempotency';
import { changeOwnerInvoiceStatus } from './owner-invoices/change-status';

export const handler = httpRouter(ownerInvoiceWorkflowRoutes, { changeOwnerInvoiceStatus }, { idempotency: idempotencyKey });
