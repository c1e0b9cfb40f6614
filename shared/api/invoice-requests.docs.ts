/** The invoice writes' documentation (OpenAPI only: no handler imports it). */
import type { OperationIdOf, RouteDocs } from '../wiring/route-definition';
import type { invoiceRoutes } from './invoice-requests';
import { invoiceResponse } from './invoice-answers';

export const invoiceRouteDocs = {
  createInvoice: {
    summary: 'Create the commitment’s invoice for the open billing period (contact, or an admin on their behalf)',
    tags: ['invoices'],
    response: { description: 'The invoice, in draft (Location; ETag: its version)', schema: invoiceResponse },
  },
  updateInvoice: {
    summary: 'Enter this period’s figures on some lines (If-Match required); the invoice is recomputed',
    tags: ['invoices'],
    response: { description: 'The invoice, recomputed (ETag: its new version)', schema: invoiceResponse },
  },
  deleteInvoice: {
    summary: 'Delete the latest invoice of its commitment, unless approved or paid',
    tags: ['invoices'],
    response: { description: 'Deleted' },
  },
} satisfies Record<OperationIdOf<typeof invoiceRoutes>, RouteDocs>;
