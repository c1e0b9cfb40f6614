/** The commitments function: create, search, read, edit (contacts, private list, retainage). */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { createCommitment } from './create-commitment';
import { getCommitment, listCommitments } from './read-commitments';
import { updateCommitment } from './update-commitment';
import { commitmentRoutes } from '../../../shared/api/commitments';

export const handler = httpRouter(commitmentRoutes, { createCommitment, listCommitments, getCommitment, updateCommitment }, { idempotency: idempotencyKey });
