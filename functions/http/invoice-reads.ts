/**
 * The invoice reads function: the project's invoices, one invoice with its lines and figures, its
 * history. Apart from the writes (invoices) and the status changes (invoiceWorkflow): no request
 * bodies, no G702/G703 computation, no outbox; it serves no POST, so no idempotency.
 */
import { httpRouter } from '../../shared/http/handler';
import { invoiceReadRoutes } from '../../shared/api/invoice-reads';
import { getInvoice, listInvoices } from './invoices/read-invoices';
import { getInvoiceHistory } from './invoice-workflow/history';

export const handler = httpRouter(invoiceReadRoutes, { listInvoices, getInvoice, getInvoiceHistory });
