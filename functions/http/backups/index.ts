/** The backups function: request an invoice backup (PDF volumes compiled by the backup workflow) and read its job. */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { backupRoutes } from '../../../shared/api/backups';
import { requestBackup } from './request-backup';
import { getBackup } from './job-answer';

export const handler = httpRouter(backupRoutes, { requestBackup, getBackup }, { idempotency: idempotencyKey });
