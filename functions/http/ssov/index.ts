/** The ssov function: a commitment's subcontractor SOV, its edits and its review. */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { getSsov, replaceSsov } from './ssov';
import { changeSsovStatus } from './change-status';
import { ssovRoutes } from '../../../shared/api/ssov';

export const handler = httpRouter(ssovRoutes, { getSsov, replaceSsov, changeSsovStatus }, { idempotency: idempotencyKey });
