/** The owner invoice reads function: a head contract's owner invoices, one with its figures, its history, the G703 lines as CSV. */
import { httpRouter } from '../../shared/http/handler';
import { ownerInvoiceReadRoutes } from '../../shared/api/owner-invoice-reads';
import { getOwnerInvoice, getOwnerInvoiceHistory, listOwnerInvoices } from './owner-invoices/read-owner-invoices';
import { exportOwnerInvoiceCsv } from './owner-invoices/preview-and-export';

export const handler = httpRouter(ownerInvoiceReadRoutes, { listOwnerInvoices, getOwnerInvoice, getOwnerInvoiceHistory, exportOwnerInvoiceCsv });
