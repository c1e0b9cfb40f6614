/** The sov function: the schedule of values and change orders of a commitment or a head contract (one implementation for both). */
import { httpRouter } from '../../../shared/http/handler';
import { headContractSovRoutes, sovRoutes } from '../../../shared/api/sov';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { getHeadContractSov, getSov, replaceHeadContractSov, replaceSov, updateHeadContractSovLine, updateSovLine } from './schedule';
import {
  createChangeOrder,
  createHeadContractChangeOrder,
  getChangeOrder,
  getHeadContractChangeOrder,
  listChangeOrders,
  listHeadContractChangeOrders,
} from './change-orders';
import { updateChangeOrder, updateHeadContractChangeOrder } from './update-change-order';

export const handler = httpRouter(
  [...sovRoutes, ...headContractSovRoutes],
  {
    getSov,
    replaceSov,
    updateSovLine,
    listChangeOrders,
    createChangeOrder,
    getChangeOrder,
    updateChangeOrder,
    getHeadContractSov,
    replaceHeadContractSov,
    updateHeadContractSovLine,
    listHeadContractChangeOrders,
    createHeadContractChangeOrder,
    getHeadContractChangeOrder,
    updateHeadContractChangeOrder,
  },
  { idempotency: idempotencyKey },
);
