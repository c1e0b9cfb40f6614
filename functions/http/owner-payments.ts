/** The owner payments function: payments received against an owner invoice (list, read, record, delete), as `payments` is for payments issued. */
import { httpRouter } from '../../shared/http/handler';
import { ownerPaymentRoutes } from '../../shared/api/owner-payments';
import { idempotencyKey } from '../../shared/http/idempotency';
import { createOwnerPayment, deleteOwnerPayment, getOwnerPayment, listOwnerPayments } from './owner-invoices/payments';

export const handler = httpRouter(
  ownerPaymentRoutes,
  { listOwnerPayments, getOwnerPayment, createOwnerPayment, deleteOwnerPayment },
  { idempotency: idempotencyKey },
);
