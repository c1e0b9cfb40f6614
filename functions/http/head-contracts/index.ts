/** The head contracts function: create, list, read, edit, delete. Their SOV and change orders are the sov function's (one implementation with commitments). */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { createHeadContract } from './create-head-contract';
import { getHeadContract, listHeadContracts } from './read-head-contracts';
import { updateHeadContract } from './update-head-contract';
import { deleteHeadContract } from './delete-head-contract';
import { headContractRoutes } from '../../../shared/api/head-contracts';

export const handler = httpRouter(headContractRoutes, { createHeadContract, listHeadContracts, getHeadContract, updateHeadContract, deleteHeadContract }, { idempotency: idempotencyKey });
