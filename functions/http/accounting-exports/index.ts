/** The accounting exports function: request an export (queued through the outbox), list them, read one with its downloads. */
import { httpRouter } from '../../../shared/http/handler';
import { idempotencyKey } from '../../../shared/http/idempotency';
import { requestAccountingExport } from './request-export';
import { getAccountingExport, listAccountingExports } from './read-exports';
import { accountingExportRoutes } from '../../../shared/api/accounting-exports';

export const handler = httpRouter(accountingExportRoutes, { requestAccountingExport, listAccountingExports, getAccountingExport }, { idempotency: idempotencyKey });
