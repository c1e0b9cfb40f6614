/** The invoices function: create an invoice from the SOV, edit its lines (G702/G703 figures), delete (reads: functions/http/invoice-reads.ts). */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { createInvoice } from './create-invoice';
import { updateInvoice } from './update-invoice';
import { deleteInvoice } from './delete-invoice';
import { invoiceRoutes } from '../../../shared/api/invoice-requests';

export const handler = httpRouter(invoiceRoutes, { createInvoice, updateInvoice, deleteInvoice }, { idempotency: idempotencyKey });
