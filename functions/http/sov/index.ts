/** The sov function: a commitment's schedule of values and its change orders. */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { getSov, replaceSov, updateSovLine } from './schedule';
import { createChangeOrder, getChangeOrder, listChangeOrders } from './change-orders';
import { updateChangeOrder } from './update-change-order';

export const handler = httpRouter(
  { getSov, replaceSov, updateSovLine, listChangeOrders, createChangeOrder, getChangeOrder, updateChangeOrder },
  { idempotency: idempotencyKey },
);
