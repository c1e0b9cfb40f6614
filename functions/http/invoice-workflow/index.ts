/** The invoiceWorkflow function: submit and change status (one or in bulk), review lines; notification emails (history: functions/http/invoice-reads.ts). */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { changeInvoiceStatus } from './change-status';
import { reviewInvoice } from './review-invoice';
import { bulkInvoiceStatus } from './bulk-status';
import { invoiceWorkflowRoutes } from '../../../shared/api/invoice-workflow';

export const handler = httpRouter(invoiceWorkflowRoutes, { changeInvoiceStatus, reviewInvoice, bulkInvoiceStatus }, { idempotency: idempotencyKey });
